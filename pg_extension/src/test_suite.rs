//! In-server tests of the tenant context and the registry, run by `cargo pgrx test`.

use pgrx::prelude::*;

#[pg_schema]
mod tests {
    use pgrx::prelude::*;

    fn setup() {
        Spi::run("SELECT cauldron.create_cauldron('acme', 'Acme')").unwrap();
        Spi::run("SELECT cauldron.create_cauldron('globex', 'Globex')").unwrap();
    }

    fn current() -> Option<String> {
        Spi::get_one::<String>("SELECT current_cauldron()").unwrap()
    }

    #[pg_test]
    fn enter_sets_the_transaction_context() {
        setup();
        Spi::run("SELECT cauldron.enter('acme')").unwrap();
        assert_eq!(current().as_deref(), Some("acme"));
        let source = Spi::get_one::<String>("SELECT source FROM cauldron.context()").unwrap();
        assert_eq!(source.as_deref(), Some("transaction"));
    }

    #[pg_test(error = "no cauldron is set for this transaction")]
    fn current_cauldron_fails_closed_without_context() {
        current();
    }

    #[pg_test]
    fn context_reports_none_without_raising() {
        let row =
            Spi::get_two::<String, String>("SELECT cauldron_id, source FROM cauldron.context()");
        assert_eq!(row.unwrap(), (None, Some("none".to_string())));
    }

    #[pg_test(error = "this transaction already entered another cauldron")]
    fn switching_inside_a_transaction_is_refused() {
        setup();
        Spi::run("SELECT cauldron.enter('acme')").unwrap();
        Spi::run("SELECT cauldron.enter('globex')").unwrap();
    }

    #[pg_test]
    fn reentering_the_same_cauldron_is_allowed_and_exit_allows_a_switch() {
        setup();
        Spi::run("SELECT cauldron.enter('acme')").unwrap();
        Spi::run("SELECT cauldron.enter('acme')").unwrap();
        let left = Spi::get_one::<String>("SELECT cauldron.exit()").unwrap();
        assert_eq!(left.as_deref(), Some("acme"));
        Spi::run("SELECT cauldron.enter('globex')").unwrap();
        assert_eq!(current().as_deref(), Some("globex"));
    }

    #[pg_test]
    fn the_transaction_context_wins_over_session_and_default() {
        setup();
        Spi::run("SET LOCAL cauldron.default_id = 'pilot'").unwrap();
        assert_eq!(current().as_deref(), Some("pilot"));
        Spi::run("SELECT cauldron.enter('globex', session => true)").unwrap();
        assert_eq!(current().as_deref(), Some("globex"));
        Spi::run("SELECT cauldron.enter('acme')").unwrap();
        assert_eq!(current().as_deref(), Some("acme"));
    }

    #[pg_test(error = "cauldron \"nobody\" does not exist")]
    fn enter_refuses_unknown_cauldrons() {
        Spi::run("SELECT cauldron.enter('nobody')").unwrap();
    }

    #[pg_test(error = "cauldron \"acme\" is disabled")]
    fn enter_refuses_disabled_cauldrons() {
        setup();
        Spi::run("SELECT cauldron.disable_cauldron('acme')").unwrap();
        Spi::run("SELECT cauldron.enter('acme')").unwrap();
    }

    #[pg_test(error = "cauldron id is longer than 50 characters")]
    fn enter_refuses_long_ids_without_truncating() {
        Spi::run(&format!("SELECT cauldron.enter('{}')", "a".repeat(51))).unwrap();
    }

    #[pg_test(error = "cauldron id contains a character outside the allowed set")]
    fn create_refuses_whitespace() {
        Spi::run("SELECT cauldron.create_cauldron('a b', 'spaced')").unwrap();
    }

    #[pg_test(error = "cauldron \"acme\" already exists")]
    fn create_refuses_duplicates() {
        setup();
        Spi::run("SELECT cauldron.create_cauldron('acme', 'again')").unwrap();
    }

    #[pg_test(error = "id must not be NULL")]
    fn enter_refuses_a_null_id() {
        Spi::run("SELECT cauldron.enter(NULL)").unwrap();
    }

    #[pg_test(error = "name must not be NULL")]
    fn create_refuses_a_null_name() {
        Spi::run("SELECT cauldron.create_cauldron('acme', NULL)").unwrap();
    }

    #[pg_test(error = "cauldron id contains a character outside the allowed set")]
    fn settings_refuse_invalid_ids() {
        Spi::run("SET cauldron.default_id = 'a;b'").unwrap();
    }

    #[pg_test]
    fn functions_declare_their_volatility_and_parallel_safety() {
        let row = Spi::get_two::<String, String>(
            "SELECT provolatile::text, proparallel::text FROM pg_proc \
             WHERE oid = 'current_cauldron()'::regprocedure",
        );
        assert_eq!(row.unwrap(), (Some("s".into()), Some("s".into())));
        let returns = Spi::get_one::<String>(
            "SELECT prorettype::regtype::text FROM pg_proc WHERE oid = 'current_cauldron()'::regprocedure",
        );
        assert_eq!(returns.unwrap().as_deref(), Some("character varying"));
    }

    #[pg_test]
    fn every_security_definer_function_pins_its_search_path() {
        let unpinned = Spi::get_one::<String>(
            "SELECT string_agg(oid::regprocedure::text, ', ') FROM pg_proc \
             WHERE prosecdef AND pronamespace = 'cauldron'::regnamespace \
               AND NOT coalesce(proconfig::text[] @> '{\"search_path=pg_catalog, pg_temp\"}', \
                                false)",
        );
        assert_eq!(unpinned.unwrap(), None);
        let definers = Spi::get_one::<i64>(
            "SELECT count(*) FROM pg_proc \
             WHERE prosecdef AND pronamespace = 'cauldron'::regnamespace",
        );
        assert!(
            definers.unwrap().unwrap() >= 1,
            "cauldron.enter is SECURITY DEFINER"
        );
    }

    #[pg_test]
    fn the_registry_is_dumped_by_pg_dump() {
        let dumped = Spi::get_one::<i64>(
            "SELECT count(*) FROM pg_extension e, unnest(e.extconfig) AS c(oid) \
             WHERE e.extname = 'cauldron' \
               AND c.oid IN ('cauldron.cauldrons'::regclass, 'cauldron.shared_tables'::regclass)",
        );
        assert_eq!(dumped.unwrap(), Some(2));
    }

    #[pg_test]
    fn isolate_writes_one_policy_in_the_initplan_form() {
        Spi::run("CREATE TABLE notes (id int, cauldron_id varchar(50) NOT NULL)").unwrap();
        Spi::run("SELECT * FROM cauldron.isolate('notes')").unwrap();
        let qual = Spi::get_one::<String>(
            "SELECT qual FROM pg_policies WHERE tablename = 'notes' AND policyname = 'cauldron_isolation'",
        );
        assert_eq!(
            qual.unwrap().as_deref(),
            Some(
                "((cauldron_id)::text = (( SELECT current_cauldron() AS current_cauldron))::text)"
            )
        );
        let flags = Spi::get_two::<bool, bool>(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'notes'",
        );
        assert_eq!(flags.unwrap(), (Some(true), Some(true)));
    }

    #[pg_test]
    fn add_tenant_column_stores_the_current_cauldron_as_the_missing_value() {
        setup();
        // A table that predates the tenant column is what the guard exists to refuse.
        Spi::run("SET LOCAL cauldron.guard = off").unwrap();
        Spi::run("CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g").unwrap();
        let before = Spi::get_one::<i64>("SELECT pg_relation_filenode('t')::bigint").unwrap();
        Spi::run("SELECT cauldron.enter('acme')").unwrap();
        Spi::run("SELECT cauldron.add_tenant_column('t')").unwrap();
        let after = Spi::get_one::<i64>("SELECT pg_relation_filenode('t')::bigint").unwrap();
        assert_eq!(before, after);
        let missing = Spi::get_one::<String>(
            "SELECT attmissingval::text FROM pg_attribute \
             WHERE attrelid = 't'::regclass AND attname = 'cauldron_id'",
        );
        assert_eq!(missing.unwrap().as_deref(), Some("{acme}"));
    }

    #[pg_test]
    fn the_guard_enforces_by_default() {
        assert_eq!(
            Spi::get_one::<String>("SELECT cauldron.guard_mode()")
                .unwrap()
                .as_deref(),
            Some("enforce")
        );
    }

    #[pg_test(error = "cauldron guard: table public.loose has no tenant column")]
    fn the_guard_rejects_a_table_without_the_tenant_column() {
        Spi::run("CREATE TABLE loose (id int)").unwrap();
    }

    #[pg_test]
    fn guard_permission_lasts_until_the_helper_is_done() {
        Spi::run("CREATE TABLE t (cauldron_id varchar(50) NOT NULL)").unwrap();
        let allowed = "SELECT cauldron.guard_allowed('t'::regclass)";
        assert_eq!(Spi::get_one::<bool>(allowed).unwrap(), Some(false));
        Spi::run("SELECT cauldron.guard_allow('t'::regclass)").unwrap();
        assert_eq!(Spi::get_one::<bool>(allowed).unwrap(), Some(true));
        Spi::run("SELECT cauldron.guard_done('t'::regclass)").unwrap();
        assert_eq!(Spi::get_one::<bool>(allowed).unwrap(), Some(false));
    }
}
