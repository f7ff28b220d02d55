//! The tenant context through real roles on the real server: one test per behaviour of
//! `current_cauldron()`, `cauldron.enter()`, `cauldron.exit()` and `cauldron.context()`.

use cauldron_tests::{context, expect_sqlstate, one_text, Tenancy};
use postgres::error::SqlState;
use postgres::Client;

/// Three cauldrons, `initech` disabled, with a pooler role that may switch between them.
fn fixture() -> Tenancy {
    let fixture = Tenancy::new(&["acme", "globex", "initech"]);
    fixture
        .database
        .superuser()
        .batch_execute("SELECT cauldron.disable_cauldron('initech')")
        .unwrap();
    fixture
}

fn current(client: &mut Client) -> Option<String> {
    one_text(client, "SELECT current_cauldron()")
}

#[test]
fn without_context_current_cauldron_fails_closed_with_a_hint() {
    let fixture = fixture();
    let mut app = fixture.database.connect_as(&fixture.app);
    let error = app.query_one("SELECT current_cauldron()", &[]).unwrap_err();
    let database_error = error.as_db_error().unwrap();
    assert_eq!(
        database_error.code(),
        &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE
    );
    assert!(database_error.hint().unwrap().contains("cauldron.enter"));
}

#[test]
fn enter_lasts_until_commit_on_a_reused_connection() {
    let fixture = fixture();
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    let mut transaction = pooler.transaction().unwrap();
    transaction
        .batch_execute("SELECT cauldron.enter('acme')")
        .unwrap();
    let value: String = transaction
        .query_one("SELECT current_cauldron()", &[])
        .unwrap()
        .get(0);
    assert_eq!(value, "acme");
    transaction.commit().unwrap();
    assert_eq!(context(&mut pooler), (None, "none".into()));
    expect_sqlstate(
        pooler.query_one("SELECT current_cauldron()", &[]),
        &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
    );
}

#[test]
fn enter_ends_with_rollback_on_a_reused_connection() {
    let fixture = fixture();
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    pooler
        .batch_execute("BEGIN; SELECT cauldron.enter('acme'); ROLLBACK;")
        .unwrap();
    assert_eq!(context(&mut pooler), (None, "none".into()));
    pooler
        .batch_execute("BEGIN; SELECT cauldron.enter('globex');")
        .unwrap();
    assert_eq!(current(&mut pooler).as_deref(), Some("globex"));
    pooler.batch_execute("ROLLBACK").unwrap();
    assert_eq!(context(&mut pooler), (None, "none".into()));
}

#[test]
fn rollback_to_savepoint_restores_the_earlier_context() {
    let fixture = fixture();
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    pooler
        .batch_execute(
            "BEGIN; SAVEPOINT before_enter; SELECT cauldron.enter('acme');
             ROLLBACK TO SAVEPOINT before_enter;",
        )
        .unwrap();
    assert_eq!(context(&mut pooler), (None, "none".into()));
    pooler
        .batch_execute(
            "SELECT cauldron.enter('acme'); SAVEPOINT inside;
             SELECT cauldron.exit(); SELECT cauldron.enter('globex');",
        )
        .unwrap();
    assert_eq!(current(&mut pooler).as_deref(), Some("globex"));
    pooler
        .batch_execute("ROLLBACK TO SAVEPOINT inside")
        .unwrap();
    assert_eq!(
        context(&mut pooler),
        (Some("acme".into()), "transaction".into())
    );
    pooler.batch_execute("COMMIT").unwrap();
}

#[test]
fn entering_another_cauldron_in_the_same_transaction_is_refused_until_exit() {
    let fixture = fixture();
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    pooler
        .batch_execute("BEGIN; SELECT cauldron.enter('acme')")
        .unwrap();
    pooler
        .batch_execute("SELECT cauldron.enter('acme')")
        .unwrap();
    expect_sqlstate(
        pooler.batch_execute("SELECT cauldron.enter('globex')"),
        &SqlState::ACTIVE_SQL_TRANSACTION,
    );
    pooler
        .batch_execute("ROLLBACK; BEGIN; SELECT cauldron.enter('acme')")
        .unwrap();
    expect_sqlstate(
        pooler.batch_execute("SELECT cauldron.enter('globex', session => true)"),
        &SqlState::ACTIVE_SQL_TRANSACTION,
    );
    pooler
        .batch_execute("ROLLBACK; BEGIN; SELECT cauldron.enter('acme')")
        .unwrap();
    let left = one_text(&mut pooler, "SELECT cauldron.exit()");
    assert_eq!(left.as_deref(), Some("acme"));
    pooler
        .batch_execute("SELECT cauldron.enter('globex')")
        .unwrap();
    assert_eq!(current(&mut pooler).as_deref(), Some("globex"));
    pooler.batch_execute("COMMIT").unwrap();
}

#[test]
fn a_session_context_outlives_transactions_and_yields_to_a_transaction_one() {
    let fixture = fixture();
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    pooler
        .batch_execute("SELECT cauldron.enter('acme', session => true)")
        .unwrap();
    assert_eq!(
        context(&mut pooler),
        (Some("acme".into()), "session".into())
    );
    pooler
        .batch_execute("BEGIN; SELECT cauldron.enter('globex')")
        .unwrap();
    assert_eq!(
        context(&mut pooler),
        (Some("globex".into()), "transaction".into())
    );
    pooler.batch_execute("COMMIT").unwrap();
    assert_eq!(
        context(&mut pooler),
        (Some("acme".into()), "session".into())
    );
    pooler.batch_execute("SELECT cauldron.exit()").unwrap();
    assert_eq!(context(&mut pooler), (None, "none".into()));
}

#[test]
fn discard_all_and_reset_all_clear_a_session_context() {
    let fixture = fixture();
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    pooler
        .batch_execute("SELECT cauldron.enter('acme', session => true)")
        .unwrap();
    pooler.batch_execute("DISCARD ALL").unwrap();
    assert_eq!(context(&mut pooler), (None, "none".into()));
    pooler
        .batch_execute("SELECT cauldron.enter('acme', session => true)")
        .unwrap();
    pooler.batch_execute("RESET ALL").unwrap();
    assert_eq!(context(&mut pooler), (None, "none".into()));
}

#[test]
fn reset_all_inside_a_transaction_keeps_the_transaction_context() {
    let fixture = fixture();
    let superuser = &mut fixture.database.superuser();
    let name = &fixture.database.name;
    superuser
        .batch_execute(&format!(
            "ALTER DATABASE {name} SET cauldron.default_id = 'globex'"
        ))
        .unwrap();
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    pooler
        .batch_execute("BEGIN; SELECT cauldron.enter('acme'); RESET ALL;")
        .unwrap();
    assert_eq!(
        context(&mut pooler),
        (Some("acme".into()), "transaction".into())
    );
    pooler.batch_execute("COMMIT").unwrap();
}

#[test]
fn the_database_default_reproduces_the_single_tenant_pilot() {
    let fixture = fixture();
    let name = &fixture.database.name;
    fixture
        .database
        .superuser()
        .batch_execute(&format!(
            "ALTER DATABASE {name} SET cauldron.default_id = '10ksb-pilot'"
        ))
        .unwrap();
    let mut app = fixture.database.connect_as(&fixture.app);
    assert_eq!(current(&mut app).as_deref(), Some("10ksb-pilot"));
    assert_eq!(
        context(&mut app),
        (Some("10ksb-pilot".into()), "default".into())
    );
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    pooler
        .batch_execute("BEGIN; SELECT cauldron.enter('acme')")
        .unwrap();
    assert_eq!(current(&mut pooler).as_deref(), Some("acme"));
    pooler.batch_execute("COMMIT").unwrap();
    assert_eq!(current(&mut pooler).as_deref(), Some("10ksb-pilot"));
}

#[test]
fn enter_refuses_unknown_and_disabled_cauldrons() {
    let fixture = fixture();
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    expect_sqlstate(
        pooler.batch_execute("SELECT cauldron.enter('nobody')"),
        &SqlState::UNDEFINED_OBJECT,
    );
    expect_sqlstate(
        pooler.batch_execute("SELECT cauldron.enter('initech')"),
        &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
    );
    fixture
        .database
        .superuser()
        .batch_execute("SELECT cauldron.enable_cauldron('initech')")
        .unwrap();
    pooler
        .batch_execute("SELECT cauldron.enter('initech', session => true)")
        .unwrap();
    assert_eq!(current(&mut pooler).as_deref(), Some("initech"));
}

#[test]
fn invalid_ids_are_rejected_with_22023_and_never_truncated() {
    let fixture = fixture();
    let mut superuser = fixture.database.superuser();
    let fifty = "a".repeat(50);
    superuser
        .execute("SELECT cauldron.create_cauldron($1, 'fifty')", &[&fifty])
        .unwrap();
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    let fifty_one = "a".repeat(51);
    let bad_ids = [
        "",
        fifty_one.as_str(),
        "acme\n",
        "ac\tme",
        "ac me",
        " acme",
        "ac'me",
        "ac\"me",
        "ac;me",
        "ac/me",
        "acmé",
        "-acme",
        ".acme",
        "ac\u{7f}me",
    ];
    for bad in bad_ids {
        let message = expect_sqlstate(
            pooler.execute("SELECT cauldron.enter($1)", &[&bad]),
            &SqlState::INVALID_PARAMETER_VALUE,
        );
        assert!(message.starts_with("cauldron id"), "{bad:?}: {message}");
        expect_sqlstate(
            superuser.execute("SELECT cauldron.create_cauldron($1, 'bad')", &[&bad]),
            &SqlState::INVALID_PARAMETER_VALUE,
        );
        // An empty setting means "unset", so only non-empty ids reach the settings' check.
        if !bad.is_empty() {
            expect_sqlstate(
                superuser.execute(
                    "SELECT set_config('cauldron.default_id', $1, false)",
                    &[&bad],
                ),
                &SqlState::INVALID_PARAMETER_VALUE,
            );
        }
    }
    let registered: i64 = superuser
        .query_one("SELECT count(*) FROM cauldron.cauldrons", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        registered, 4,
        "only the fixture's cauldrons and the 50-character one exist"
    );
}

#[test]
fn context_reports_every_source_without_raising() {
    let fixture = fixture();
    let mut app = fixture.database.connect_as(&fixture.app);
    assert_eq!(context(&mut app), (None, "none".into()));
}

#[test]
fn an_ordinary_role_cannot_enter_or_exit() {
    let fixture = fixture();
    let mut app = fixture.database.connect_as(&fixture.app);
    expect_sqlstate(
        app.batch_execute("SELECT cauldron.enter('acme')"),
        &SqlState::INSUFFICIENT_PRIVILEGE,
    );
    expect_sqlstate(
        app.batch_execute("SELECT cauldron.exit()"),
        &SqlState::INSUFFICIENT_PRIVILEGE,
    );
    expect_sqlstate(
        app.batch_execute("SELECT cauldron.create_cauldron('evil', 'Evil')"),
        &SqlState::INSUFFICIENT_PRIVILEGE,
    );
    expect_sqlstate(
        app.batch_execute("SELECT * FROM cauldron.cauldrons"),
        &SqlState::INSUFFICIENT_PRIVILEGE,
    );
}

/// A table with rows in two cauldrons, isolated by a policy in the recommended form, that
/// the app role may read.
fn stories_table(fixture: &Tenancy, rows_per_cauldron: i32) {
    let app = &fixture.app;
    let pooler = &fixture.pooler;
    fixture
        .database
        .superuser()
        .batch_execute(&format!(
            "CREATE TABLE stories (id bigserial PRIMARY KEY, cauldron_id varchar(50) NOT NULL,
                                   body text);
             INSERT INTO stories (cauldron_id, body)
               SELECT c, 'story ' || n FROM unnest(ARRAY['acme', 'globex']) AS c,
                      generate_series(1, {rows_per_cauldron}) AS n;
             INSERT INTO stories (cauldron_id, body)
               SELECT 'acme', 'extra' FROM generate_series(1, 10);
             ALTER TABLE stories ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
             CREATE POLICY isolation ON stories
               USING (cauldron_id = (SELECT public.current_cauldron()))
               WITH CHECK (cauldron_id = (SELECT public.current_cauldron()));
             ALTER TABLE stories SET (parallel_workers = 2);
             GRANT SELECT, INSERT ON stories TO {app}, {pooler};
             ANALYZE stories;"
        ))
        .unwrap();
}

#[test]
fn parallel_workers_see_the_leaders_context() {
    let fixture = fixture();
    stories_table(&fixture, 50_000);
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    pooler
        .batch_execute(
            "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
             SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
             SET force_parallel_mode = on;",
        )
        .unwrap();
    for (cauldron, expected) in [("acme", 50_010_i64), ("globex", 50_000)] {
        let mut transaction = pooler.transaction().unwrap();
        transaction
            .execute("SELECT cauldron.enter($1)", &[&cauldron])
            .unwrap();
        // The function runs inside each worker's filter: without the leader's setting a
        // worker would raise "no cauldron is set".
        let query = "SELECT count(*) FROM stories WHERE cauldron_id = current_cauldron()";
        let plan: Vec<String> = transaction
            .query(
                &format!("EXPLAIN (ANALYZE, COSTS OFF, VERBOSE) {query}"),
                &[],
            )
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        let plan = plan.join("\n");
        assert!(
            plan.contains("Parallel Seq Scan"),
            "no parallel plan:\n{plan}"
        );
        assert!(
            plan.contains("Workers Launched: 2"),
            "workers did not start:\n{plan}"
        );
        assert!(
            plan.contains("current_cauldron()"),
            "filter not in workers:\n{plan}"
        );
        let count: i64 = transaction.query_one(query, &[]).unwrap().get(0);
        assert_eq!(count, expected);
        let policy_count: i64 = transaction
            .query_one("SELECT count(*) FROM stories", &[])
            .unwrap()
            .get(0);
        assert_eq!(policy_count, expected);
        transaction.commit().unwrap();
    }
}

#[test]
fn prepared_statements_follow_every_switch() {
    let fixture = fixture();
    stories_table(&fixture, 100);
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    let statement = pooler
        .prepare("SELECT count(*), min(cauldron_id) FROM stories")
        .unwrap();
    let explicit = pooler
        .prepare("SELECT count(*) FROM stories WHERE cauldron_id = current_cauldron()")
        .unwrap();
    // Ten rounds pass the five custom plans after which PostgreSQL may switch to a generic
    // plan; forcing the generic plan covers the other path.
    for mode in ["auto", "force_generic_plan", "force_custom_plan"] {
        pooler
            .batch_execute(&format!("SET plan_cache_mode = {mode}"))
            .unwrap();
        for round in 0..10 {
            let (cauldron, expected) = if round % 2 == 0 {
                ("acme", 110)
            } else {
                ("globex", 100)
            };
            let mut transaction = pooler.transaction().unwrap();
            transaction
                .execute("SELECT cauldron.enter($1)", &[&cauldron])
                .unwrap();
            let row = transaction.query_one(&statement, &[]).unwrap();
            assert_eq!(row.get::<_, i64>(0), expected, "{mode}, round {round}");
            assert_eq!(row.get::<_, String>(1), cauldron);
            let row = transaction.query_one(&explicit, &[]).unwrap();
            assert_eq!(row.get::<_, i64>(0), expected);
            transaction.commit().unwrap();
        }
    }
}

#[test]
fn a_pooled_connection_hands_no_cauldron_to_the_next_client() {
    let fixture = fixture();
    stories_table(&fixture, 10);
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    pooler
        .batch_execute("BEGIN; SELECT cauldron.enter('acme'); COMMIT;")
        .unwrap();
    expect_sqlstate(
        pooler.query("SELECT count(*) FROM stories", &[]),
        &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
    );
    pooler
        .batch_execute("BEGIN; SELECT cauldron.enter('globex');")
        .unwrap();
    let _ = pooler.batch_execute("SELECT 1/0");
    pooler.batch_execute("ROLLBACK").unwrap();
    expect_sqlstate(
        pooler.query("SELECT count(*) FROM stories", &[]),
        &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
    );
}
