//! The isolation helpers against the real server: add_tenant_column, isolate, release,
//! isolate_schema, share/unshare, scope_foreign_key and status, each through the roles a
//! DBA would use.

use cauldron_tests::{expect_sqlstate, one_text, policy_names, TestDatabase};
use postgres::error::SqlState;
use postgres::Client;

/// A database whose guard only warns, so the suite can build the half-done tables the
/// helpers exist to fix.
fn database() -> TestDatabase {
    let database = TestDatabase::with_extension();
    let name = &database.name;
    database
        .superuser()
        .batch_execute(&format!(
            "ALTER DATABASE {name} SET cauldron.guard = warn;
             SELECT cauldron.create_cauldron('acme', 'Acme');
             SELECT cauldron.create_cauldron('globex', 'Globex');"
        ))
        .unwrap();
    database
}

fn flags(client: &mut Client, table: &str) -> (bool, bool) {
    let row = client
        .query_one(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::text::regclass",
            &[&table],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

#[test]
fn add_tenant_column_leaves_a_million_rows_where_they_are() {
    let database = database();
    let mut client = database.superuser();
    client
        .batch_execute("CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 1000000) AS g")
        .unwrap();
    let before: i64 = client
        .query_one("SELECT pg_relation_filenode('big')::bigint", &[])
        .unwrap()
        .get(0);
    let mut transaction = client.transaction().unwrap();
    transaction
        .batch_execute("SELECT cauldron.enter('acme')")
        .unwrap();
    let action: String = transaction
        .query_one("SELECT cauldron.add_tenant_column('big')", &[])
        .unwrap()
        .get(0);
    assert_eq!(action, "added: existing rows belong to cauldron acme");
    transaction.commit().unwrap();
    let after: i64 = client
        .query_one("SELECT pg_relation_filenode('big')::bigint", &[])
        .unwrap()
        .get(0);
    assert_eq!(before, after, "the table was rewritten");
    let row = client
        .query_one(
            "SELECT attmissingval::text, format_type(atttypid, atttypmod), attnotnull
               FROM pg_attribute WHERE attrelid = 'big'::regclass AND attname = 'cauldron_id'",
            &[],
        )
        .unwrap();
    assert_eq!(
        row.get::<_, String>(0),
        "{acme}",
        "rows take the cauldron current at the call"
    );
    assert_eq!(row.get::<_, String>(1), "character varying(50)");
    assert!(row.get::<_, bool>(2));
    let default = one_text(
        &mut client,
        "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'big'::regclass",
    );
    assert_eq!(default.as_deref(), Some("current_cauldron()"));
}

#[test]
fn add_tenant_column_needs_a_cauldron_for_existing_rows_and_changes_nothing_without() {
    let database = database();
    let mut client = database.superuser();
    client
        .batch_execute("CREATE TABLE filled AS SELECT 1 AS id; CREATE TABLE empty (id int)")
        .unwrap();
    let message = expect_sqlstate(
        client.query_one("SELECT cauldron.add_tenant_column('filled')", &[]),
        &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
    );
    assert!(message.contains("has rows"), "{message}");
    let columns = one_text(
        &mut client,
        "SELECT string_agg(attname, ',') FROM pg_attribute
          WHERE attrelid = 'filled'::regclass AND attnum > 0 AND NOT attisdropped",
    );
    assert_eq!(columns.as_deref(), Some("id"));
    let action = one_text(&mut client, "SELECT cauldron.add_tenant_column('empty')");
    assert_eq!(action.as_deref(), Some("added: the table was empty"));
    let again = one_text(&mut client, "SELECT cauldron.add_tenant_column('empty')");
    assert_eq!(
        again.as_deref(),
        Some("unchanged: the tenant column is already in place")
    );
}

#[test]
fn add_tenant_column_refuses_a_different_column_and_partitions() {
    let database = database();
    let mut client = database.superuser();
    client
        .batch_execute(
            "CREATE TABLE wrong (cauldron_id text);
             CREATE TABLE parted (at date) PARTITION BY RANGE (at);
             CREATE TABLE parted_one PARTITION OF parted
                 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');",
        )
        .unwrap();
    expect_sqlstate(
        client.query_one("SELECT cauldron.add_tenant_column('wrong')", &[]),
        &SqlState::DUPLICATE_COLUMN,
    );
    expect_sqlstate(
        client.query_one("SELECT cauldron.add_tenant_column('parted_one')", &[]),
        &SqlState::WRONG_OBJECT_TYPE,
    );
    let action = one_text(&mut client, "SELECT cauldron.add_tenant_column('parted')");
    assert_eq!(action.as_deref(), Some("added: the table was empty"));
}

#[test]
fn isolate_refuses_a_table_without_the_tenant_column_with_a_hint() {
    let database = database();
    let mut client = database.superuser();
    client.batch_execute("CREATE TABLE bare (id int)").unwrap();
    let error = client
        .query("SELECT * FROM cauldron.isolate('bare')", &[])
        .unwrap_err();
    let error = error.as_db_error().unwrap();
    assert_eq!(error.code(), &SqlState::UNDEFINED_COLUMN);
    assert!(error
        .hint()
        .unwrap()
        .contains("cauldron.add_tenant_column('public.bare')"));
    assert_eq!(flags(&mut client, "bare"), (false, false));
}

#[test]
fn helpers_refuse_system_catalogs_and_the_registry() {
    let database = database();
    let mut client = database.superuser();
    for table in [
        "pg_class",
        "information_schema.sql_features",
        "cauldron.cauldrons",
    ] {
        for call in [
            format!("SELECT * FROM cauldron.isolate('{table}')"),
            format!("SELECT cauldron.add_tenant_column('{table}')"),
        ] {
            let error = client.query(call.as_str(), &[]).unwrap_err();
            let error = error.as_db_error().unwrap();
            assert_eq!(error.code(), &SqlState::WRONG_OBJECT_TYPE, "{call}");
            assert!(
                error.message().contains("is not a table of a user schema"),
                "{call}: {}",
                error.message()
            );
        }
    }
    let policies: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_policy WHERE polrelid IN
                 ('pg_class'::regclass, 'cauldron.cauldrons'::regclass)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(policies, 0);
}

#[test]
fn isolate_writes_the_policy_once_and_release_undoes_it_exactly() {
    let database = database();
    let mut client = database.superuser();
    client
        .batch_execute(
            "CREATE TABLE plain (id int, cauldron_id varchar(50) NOT NULL);
             CREATE TABLE guarded (id int, cauldron_id varchar(50) NOT NULL);
             ALTER TABLE guarded ENABLE ROW LEVEL SECURITY;
             CREATE POLICY readers ON guarded FOR SELECT USING (id > 0);",
        )
        .unwrap();
    for table in ["plain", "guarded"] {
        let before = flags(&mut client, table);
        let first = client
            .query(
                &format!("SELECT action FROM cauldron.isolate('{table}')"),
                &[],
            )
            .unwrap();
        assert_eq!(first[0].get::<_, String>(0), "isolated");
        let second = client
            .query(
                &format!("SELECT action FROM cauldron.isolate('{table}')"),
                &[],
            )
            .unwrap();
        assert_eq!(second[0].get::<_, String>(0), "unchanged: already isolated");
        assert_eq!(flags(&mut client, table), (true, true));
        let row = client
            .query_one(
                "SELECT cmd, permissive, roles::text, qual, with_check FROM pg_policies
                  WHERE tablename = $1 AND policyname = 'cauldron_isolation'",
                &[&table],
            )
            .unwrap();
        assert_eq!(row.get::<_, String>(0), "ALL");
        assert_eq!(row.get::<_, String>(1), "PERMISSIVE");
        assert_eq!(row.get::<_, String>(2), "{public}");
        let qual: String = row.get(3);
        assert!(qual.contains("SELECT current_cauldron()"), "{qual}");
        assert_eq!(Some(qual), row.get::<_, Option<String>>(4));

        client
            .query(&format!("SELECT * FROM cauldron.release('{table}')"), &[])
            .unwrap();
        assert_eq!(
            flags(&mut client, table),
            before,
            "{table}: flags not restored"
        );
        assert!(!policy_names(&mut client, table).contains(&"cauldron_isolation".to_string()));
    }
    assert_eq!(
        policy_names(&mut client, "guarded"),
        vec!["readers".to_string()]
    );
}

#[test]
fn isolate_corrects_a_tampered_policy() {
    let database = database();
    let mut client = database.superuser();
    client
        .batch_execute(
            "CREATE TABLE t (id int, cauldron_id varchar(50) NOT NULL);
             SELECT * FROM cauldron.isolate('t');
             ALTER POLICY cauldron_isolation ON t USING (true);",
        )
        .unwrap();
    let status = one_text(
        &mut client,
        "SELECT isolation_policy FROM cauldron.status() WHERE table_name = 't'::regclass",
    );
    assert_eq!(status.as_deref(), Some("altered"));
    let action = one_text(&mut client, "SELECT action FROM cauldron.isolate('t')");
    assert_eq!(action.as_deref(), Some("isolated: policy corrected"));
    let status = one_text(
        &mut client,
        "SELECT isolation_policy FROM cauldron.status() WHERE table_name = 't'::regclass",
    );
    assert_eq!(status.as_deref(), Some("correct"));
}

#[test]
fn isolate_and_release_cover_every_partition() {
    let database = database();
    let mut client = database.superuser();
    client
        .batch_execute(
            "CREATE TABLE events (at date, cauldron_id varchar(50) NOT NULL) PARTITION BY RANGE (at);
             CREATE TABLE events_a PARTITION OF events
                 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
             CREATE TABLE events_b PARTITION OF events
                 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')
               PARTITION BY RANGE (at);
             CREATE TABLE events_b1 PARTITION OF events_b
                 FOR VALUES FROM ('2026-01-01') TO ('2026-07-01');",
        )
        .unwrap();
    let rows = client
        .query(
            "SELECT table_name::text, action FROM cauldron.isolate('events')",
            &[],
        )
        .unwrap();
    assert_eq!(rows.len(), 4);
    for table in ["events", "events_a", "events_b", "events_b1"] {
        assert_eq!(flags(&mut client, table), (true, true), "{table}");
        assert_eq!(
            policy_names(&mut client, table),
            vec!["cauldron_isolation".to_string()]
        );
    }
    client
        .query("SELECT * FROM cauldron.release('events')", &[])
        .unwrap();
    for table in ["events", "events_a", "events_b", "events_b1"] {
        assert_eq!(flags(&mut client, table), (false, false), "{table}");
        assert!(policy_names(&mut client, table).is_empty());
    }
}

#[test]
fn isolate_schema_reports_each_table_and_is_all_or_nothing() {
    let database = database();
    let mut client = database.superuser();
    client
        .batch_execute(
            "CREATE SCHEMA app;
             CREATE TABLE app.a (cauldron_id varchar(50) NOT NULL);
             CREATE TABLE app.b (cauldron_id varchar(50) NOT NULL);
             CREATE TABLE app.b_archive () INHERITS (app.b);
             CREATE TABLE app.p (cauldron_id varchar(50) NOT NULL, at date)
                 PARTITION BY RANGE (at);
             CREATE TABLE app.p_2026 PARTITION OF app.p
                 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
             CREATE TABLE app.lookup (code text);
             CREATE TABLE app.forgotten (id int);",
        )
        .unwrap();
    let error = client
        .query("SELECT * FROM cauldron.isolate_schema('app')", &[])
        .unwrap_err();
    let error = error.as_db_error().unwrap();
    assert_eq!(error.code(), &SqlState::UNDEFINED_COLUMN);
    assert!(error.detail().unwrap().contains("app.forgotten"));
    assert!(error.detail().unwrap().contains("app.lookup"));
    assert_eq!(
        flags(&mut client, "app.a"),
        (false, false),
        "nothing may be half-applied"
    );

    client
        .batch_execute(
            "SELECT cauldron.share('app.lookup');
             SELECT cauldron.add_tenant_column('app.forgotten');",
        )
        .unwrap();
    let rows: Vec<(String, String)> = client
        .query(
            "SELECT table_name::text, action FROM cauldron.isolate_schema('app') ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("app.a".into(), "isolated".into()),
            ("app.b".into(), "isolated".into()),
            // Children come once, through their parent's isolate().
            ("app.b_archive".into(), "isolated".into()),
            ("app.forgotten".into(), "isolated".into()),
            ("app.lookup".into(), "unchanged: shared".into()),
            ("app.p".into(), "isolated".into()),
            ("app.p_2026".into(), "isolated".into()),
        ]
    );
    expect_sqlstate(
        client.query("SELECT * FROM cauldron.isolate_schema('nowhere')", &[]),
        &SqlState::INVALID_SCHEMA_NAME,
    );
}

#[test]
fn share_and_unshare_keep_the_list_and_only_a_dba_may_use_them() {
    let mut database = database();
    let mut client = database.superuser();
    client
        .batch_execute(
            "CREATE TABLE lookup (code text);
             CREATE TABLE tenant (cauldron_id varchar(50) NOT NULL);
             SELECT * FROM cauldron.isolate('tenant');",
        )
        .unwrap();
    assert_eq!(
        one_text(
            &mut client,
            "SELECT cauldron.share('lookup', 'country codes')"
        )
        .as_deref(),
        Some("shared")
    );
    assert_eq!(
        one_text(&mut client, "SELECT cauldron.share('public.lookup')").as_deref(),
        Some("unchanged: already shared")
    );
    assert_eq!(
        one_text(&mut client, "SELECT cauldron.share('public.\"Later\"')").as_deref(),
        Some("shared: public.\"Later\" does not exist yet")
    );
    expect_sqlstate(
        client.query_one("SELECT cauldron.share('tenant')", &[]),
        &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
    );
    expect_sqlstate(
        client.query("SELECT * FROM cauldron.isolate('lookup')", &[]),
        &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
    );
    let app = database.create_role("app");
    let mut app_client = database.connect_as(&app);
    expect_sqlstate(
        app_client.query_one("SELECT cauldron.share('tenant')", &[]),
        &SqlState::INSUFFICIENT_PRIVILEGE,
    );
    let listed: i64 = app_client
        .query_one("SELECT count(*) FROM cauldron.shared_tables", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        listed, 2,
        "the list is readable by everyone, for the auditor"
    );
    assert_eq!(
        one_text(&mut client, "SELECT cauldron.unshare('lookup')").as_deref(),
        Some("unshared")
    );
}

#[test]
fn pg_dump_keeps_the_registry_the_shared_list_and_the_policies() {
    let database = database();
    let mut client = database.superuser();
    client
        .batch_execute(
            "CREATE TABLE lookup (code text);
             SELECT cauldron.share('lookup', 'global');
             CREATE TABLE notes (body text);
             SELECT cauldron.add_tenant_column('notes');
             SELECT * FROM cauldron.isolate('notes');",
        )
        .unwrap();
    let dump = std::process::Command::new("pg_dump")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", &database.name])
        .output()
        .expect("pg_dump runs");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let restored = TestDatabase::empty();
    // The README's restore procedure: a restore recreates tables before the shared list and
    // the policies that make them acceptable, so the guard is off for that session.
    let restore = std::process::Command::new("psql")
        .env("PGOPTIONS", "-c cauldron.guard=off")
        .args([
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-d",
            &restored.name,
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&dump.stdout)?;
            child.wait_with_output()
        })
        .expect("psql runs");
    assert!(
        restore.status.success(),
        "{}",
        String::from_utf8_lossy(&restore.stderr)
    );
    let mut copy = restored.superuser();
    let cauldrons = one_text(
        &mut copy,
        "SELECT string_agg(id, ',' ORDER BY id) FROM cauldron.cauldrons",
    );
    assert_eq!(cauldrons.as_deref(), Some("acme,globex"));
    let shared = one_text(
        &mut copy,
        "SELECT string_agg(table_name || ':' || reason, ',') FROM cauldron.shared_tables",
    );
    assert_eq!(shared.as_deref(), Some("lookup:global"));
    let status = one_text(
        &mut copy,
        "SELECT isolation_policy FROM cauldron.status() WHERE table_name = 'notes'::regclass",
    );
    assert_eq!(status.as_deref(), Some("correct"));
    let released = one_text(&mut copy, "SELECT action FROM cauldron.release('notes')");
    assert_eq!(released.as_deref(), Some("released"));
    assert_eq!(
        flags(&mut copy, "notes"),
        (false, false),
        "the undo record survived the dump"
    );
}

fn adr_tables(client: &mut Client, actions: &str) {
    client
        .batch_execute(&format!(
            "CREATE TABLE members (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                                   cauldron_id varchar(50) NOT NULL DEFAULT current_cauldron());
             CREATE TABLE stories (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                                   cauldron_id varchar(50) NOT NULL DEFAULT current_cauldron(),
                                   member_id uuid,
                                   CONSTRAINT stories_member_fk FOREIGN KEY (member_id)
                                     REFERENCES members (id) {actions});"
        ))
        .unwrap();
}

fn constraint_definition(client: &mut Client) -> String {
    one_text(
        client,
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'stories_member_fk'",
    )
    .unwrap()
}

#[test]
fn scope_foreign_key_keeps_every_action_and_adds_the_indexes() {
    for (actions, expected) in [
        (
            "ON UPDATE CASCADE ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
            "FOREIGN KEY (cauldron_id, member_id) REFERENCES members(cauldron_id, id) \
             ON UPDATE CASCADE ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
        ),
        (
            "ON DELETE SET NULL",
            "FOREIGN KEY (cauldron_id, member_id) REFERENCES members(cauldron_id, id) \
             ON DELETE SET NULL (member_id)",
        ),
        (
            "MATCH FULL ON DELETE RESTRICT",
            "FOREIGN KEY (cauldron_id, member_id) REFERENCES members(cauldron_id, id) \
             MATCH FULL ON DELETE RESTRICT",
        ),
    ] {
        let database = database();
        let mut client = database.superuser();
        adr_tables(&mut client, actions);
        let done = one_text(
            &mut client,
            "SELECT cauldron.scope_foreign_key('stories', 'stories_member_fk')",
        )
        .unwrap();
        assert!(
            done.contains("added UNIQUE (cauldron_id, id) to public.members"),
            "{done}"
        );
        assert!(
            done.contains("added index (cauldron_id, member_id)"),
            "{done}"
        );
        assert_eq!(constraint_definition(&mut client), expected);
        let again = one_text(
            &mut client,
            "SELECT cauldron.scope_foreign_key('stories', 'stories_member_fk')",
        );
        assert_eq!(again.as_deref(), Some("unchanged: already scoped"));
        let unindexed = one_text(
            &mut client,
            "SELECT sum(unindexed_foreign_keys)::text FROM cauldron.status()",
        );
        assert_eq!(unindexed.as_deref(), Some("0"));
    }
}

#[test]
fn scope_foreign_key_is_all_or_nothing_when_rows_cross_cauldrons() {
    let database = database();
    let mut client = database.superuser();
    adr_tables(&mut client, "");
    client
        .batch_execute(
            "INSERT INTO members (id, cauldron_id) VALUES ('00000000-0000-0000-0000-000000000001', 'globex');
             INSERT INTO stories (cauldron_id, member_id)
                 VALUES ('acme', '00000000-0000-0000-0000-000000000001');",
        )
        .unwrap();
    let before = constraint_definition(&mut client);
    expect_sqlstate(
        client.query_one(
            "SELECT cauldron.scope_foreign_key('stories', 'stories_member_fk')",
            &[],
        ),
        &SqlState::FOREIGN_KEY_VIOLATION,
    );
    assert_eq!(constraint_definition(&mut client), before);
    let indexes: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE indexdef LIKE '%(cauldron_id,%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(indexes, 0, "no index may outlive the failed call");
    expect_sqlstate(
        client.query_one(
            "SELECT cauldron.scope_foreign_key('stories', 'no_such_key')",
            &[],
        ),
        &SqlState::UNDEFINED_OBJECT,
    );
}

#[test]
fn status_reports_every_property_of_every_table() {
    let database = database();
    let mut client = database.superuser();
    adr_tables(&mut client, "");
    client
        .batch_execute(
            "CREATE TABLE bare (id int);
             SELECT cauldron.scope_foreign_key('stories', 'stories_member_fk');
             SELECT * FROM cauldron.isolate('members');
             SELECT * FROM cauldron.isolate('stories');
             CREATE POLICY everyone ON stories FOR SELECT USING (true);
             CREATE POLICY own ON stories FOR SELECT
                 USING (cauldron_id = (SELECT current_cauldron()) AND member_id IS NOT NULL);",
        )
        .unwrap();
    let rows = client
        .query(
            "SELECT table_name::text, tenant_column, tenant_not_null, tenant_default, foreign_keys,
                    unindexed_foreign_keys, rls_enabled, rls_forced, isolation_policy, shared,
                    array_to_string(bypassing_policies, ',')
               FROM cauldron.status()",
            &[],
        )
        .unwrap();
    let render: Vec<String> = rows
        .iter()
        .map(|row| {
            format!(
                "{} column={} not_null={} default={} fks={} unindexed={} rls={} forced={} policy={} shared={} bypassing={}",
                row.get::<_, String>(0), row.get::<_, bool>(1), row.get::<_, bool>(2),
                row.get::<_, bool>(3), row.get::<_, i32>(4), row.get::<_, i32>(5),
                row.get::<_, bool>(6), row.get::<_, bool>(7), row.get::<_, String>(8),
                row.get::<_, bool>(9), row.get::<_, String>(10)
            )
        })
        .collect();
    assert_eq!(
        render,
        vec![
            "bare column=false not_null=false default=false fks=0 unindexed=0 rls=false forced=false policy=missing shared=false bypassing=",
            "members column=true not_null=true default=true fks=0 unindexed=0 rls=true forced=true policy=correct shared=false bypassing=",
            "stories column=true not_null=true default=true fks=1 unindexed=0 rls=true forced=true policy=correct shared=false bypassing=everyone",
        ]
    );
}

#[test]
fn every_function_refuses_null_arguments_and_changes_nothing() {
    // Not STRICT on purpose: a STRICT function called with NULL returns NULL without doing
    // anything, which a migration script would read as success.
    let database = database();
    let mut client = database.superuser();
    client
        .batch_execute(
            "CREATE TABLE parents (id int PRIMARY KEY, cauldron_id varchar(50) NOT NULL);
             CREATE TABLE children (id int, parent_id int REFERENCES parents (id),
                                    cauldron_id varchar(50) NOT NULL);",
        )
        .unwrap();
    let calls = [
        "SELECT cauldron.enter(NULL)",
        "SELECT cauldron.enter('acme', session => NULL)",
        "SELECT cauldron.create_cauldron(NULL, 'Nobody')",
        "SELECT cauldron.create_cauldron('initech', NULL)",
        "SELECT cauldron.disable_cauldron(NULL)",
        "SELECT cauldron.enable_cauldron(NULL)",
        "SELECT cauldron.add_tenant_column(NULL)",
        "SELECT * FROM cauldron.isolate(NULL)",
        "SELECT * FROM cauldron.release(NULL)",
        "SELECT * FROM cauldron.isolate_schema(NULL)",
        "SELECT cauldron.scope_foreign_key(NULL, 'children_parent_id_fkey')",
        "SELECT cauldron.scope_foreign_key('children', NULL)",
        "SELECT cauldron.share(NULL)",
        "SELECT cauldron.unshare(NULL)",
    ];
    for call in calls {
        let message = expect_sqlstate(
            client.batch_execute(call),
            &SqlState::NULL_VALUE_NOT_ALLOWED,
        );
        assert!(message.ends_with("must not be NULL"), "{call}: {message}");
    }
    let registered = one_text(
        &mut client,
        "SELECT string_agg(id, ',' ORDER BY id) FROM cauldron.cauldrons",
    );
    assert_eq!(registered.as_deref(), Some("acme,globex"));
    assert_eq!(
        one_text(
            &mut client,
            "SELECT count(*)::text FROM cauldron.shared_tables"
        )
        .as_deref(),
        Some("0")
    );
    let foreign_key = one_text(
        &mut client,
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint \
         WHERE conname = 'children_parent_id_fkey'",
    );
    assert_eq!(
        foreign_key.as_deref(),
        Some("FOREIGN KEY (parent_id) REFERENCES parents(id)")
    );
}
