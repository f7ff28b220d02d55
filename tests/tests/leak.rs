//! The leak suite: three cauldrons with data in every kind of table (plain, partitioned,
//! with tenant-scoped foreign keys, a security_invoker view, a shared table), isolated with
//! the extension's helpers. Every route below is tried as the application role and again as
//! the tables' owner, whom FORCE ROW LEVEL SECURITY must hold to the same rules: reads see
//! zero rows of another cauldron, writes into another cauldron fail with the SQLSTATE named.

use cauldron_tests::{connect_collecting_notices, expect_sqlstate, TestDatabase};
use postgres::error::SqlState;
use postgres::Client;
use std::io::{Read, Write};

const CAULDRONS: [&str; 3] = ["acme", "globex", "initech"];
const MEMBERS_PER_CAULDRON: i64 = 3;
const STORIES_PER_MEMBER: i64 = 2;
const EVENTS_PER_CAULDRON: i64 = 4;

struct Fixture {
    database: TestDatabase,
    owner: String,
    app: String,
}

impl Fixture {
    fn new() -> Self {
        let mut database = TestDatabase::with_extension();
        let owner = database.create_pooler_role();
        let app = database.create_pooler_role();
        let mut superuser = database.superuser();
        superuser
            .batch_execute(&format!(
                "GRANT CREATE ON DATABASE {0} TO {owner};
                 ALTER DATABASE {0} SET cauldron.guard = warn;
                 SELECT cauldron.create_cauldron(id, initcap(id))
                   FROM unnest(ARRAY['acme', 'globex', 'initech']) AS id;",
                database.name
            ))
            .unwrap();

        let schema = include_str!("../fixtures/leak_schema.sql")
            .replace(":owner", &owner)
            .replace(":app", &app);
        let mut owner_client = database.connect_as(&owner);
        owner_client.batch_execute(&schema).unwrap();
        superuser
            .batch_execute("SELECT cauldron.share('app.plans')")
            .unwrap();
        let isolated = owner_client
            .query(
                "SELECT table_name::text, action FROM cauldron.isolate_schema('app')",
                &[],
            )
            .unwrap();
        assert_eq!(
            isolated.len(),
            6,
            "members, stories, events and two partitions, plans"
        );

        for cauldron in CAULDRONS {
            let mut transaction = owner_client.transaction().unwrap();
            transaction
                .execute("SELECT cauldron.enter($1)", &[&cauldron])
                .unwrap();
            transaction
                .batch_execute(&format!(
                    "INSERT INTO app.members (name)
                       SELECT '{cauldron} member ' || n
                         FROM generate_series(1, {MEMBERS_PER_CAULDRON}) n;
                     INSERT INTO app.stories (member_id, slug, body)
                       SELECT id, name || ' story ' || n, 'secret of {cauldron}'
                         FROM app.members, generate_series(1, {STORIES_PER_MEMBER}) n;
                     INSERT INTO app.stories (slug, body) VALUES ('{cauldron}-only', 'x');
                     INSERT INTO app.events (at, kind)
                       SELECT DATE '2025-06-01' + (n * 120), 'kind ' || n
                         FROM generate_series(1, {EVENTS_PER_CAULDRON}) n;"
                ))
                .unwrap();
            transaction.commit().unwrap();
        }
        superuser.batch_execute("ANALYZE").unwrap();
        Fixture {
            database,
            owner,
            app,
        }
    }

    /// The application role first, then the owner.
    fn roles(&self) -> [&str; 2] {
        [&self.app, &self.owner]
    }

    /// A connection in a transaction that entered `cauldron`.
    fn entered(&self, role: &str, cauldron: &str) -> Client {
        let mut client = self.database.connect_as(role);
        client.batch_execute("BEGIN").unwrap();
        client
            .execute("SELECT cauldron.enter($1)", &[&cauldron])
            .unwrap();
        client
    }

    /// An id of a row of `table` in `cauldron`, read by the superuser.
    fn id_in(&self, table: &str, cauldron: &str) -> uuid_text::Id {
        let row = self
            .database
            .superuser()
            .query_one(
                &format!("SELECT id::text FROM {table} WHERE cauldron_id = $1 ORDER BY id LIMIT 1"),
                &[&cauldron],
            )
            .unwrap();
        uuid_text::Id(row.get(0))
    }
}

/// Row ids travel as text so the suite needs no uuid dependency.
mod uuid_text {
    pub struct Id(pub String);
}

fn count(client: &mut Client, query: &str) -> i64 {
    client.query_one(query, &[]).unwrap().get(0)
}

const TENANT_RELATIONS: [&str; 6] = [
    "app.members",
    "app.stories",
    "app.events",
    "app.events_2025",
    "app.events_2026",
    "app.member_stories",
];

#[test]
fn plain_select_sees_only_the_current_cauldron() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        for relation in TENANT_RELATIONS {
            let foreign = count(
                &mut client,
                &format!("SELECT count(*) FROM {relation} WHERE cauldron_id <> 'acme'"),
            );
            assert_eq!(foreign, 0, "{role} sees other cauldrons in {relation}");
            let own = count(&mut client, &format!("SELECT count(*) FROM {relation}"));
            assert!(own > 0, "{role} sees nothing in {relation}");
        }
        let events = count(&mut client, "SELECT count(*) FROM app.events");
        assert_eq!(events, EVENTS_PER_CAULDRON);
        let stories = count(&mut client, "SELECT count(*) FROM app.stories");
        assert_eq!(stories, MEMBERS_PER_CAULDRON * STORIES_PER_MEMBER + 1);
        let plans = count(&mut client, "SELECT count(*) FROM app.plans");
        assert_eq!(plans, 2, "shared tables are visible to every cauldron");
    }
}

#[test]
fn a_where_clause_naming_another_cauldron_finds_nothing() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        for relation in TENANT_RELATIONS {
            for other in ["globex", "initech"] {
                let rows = client
                    .query(
                        &format!("SELECT * FROM {relation} WHERE cauldron_id = $1"),
                        &[&other],
                    )
                    .unwrap();
                assert!(rows.is_empty(), "{role} reads {other} rows of {relation}");
            }
        }
    }
}

#[test]
fn without_a_cauldron_every_read_fails_closed() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        let mut client = fixture.database.connect_as(role);
        for relation in TENANT_RELATIONS {
            expect_sqlstate(
                client.query(&format!("SELECT * FROM {relation}"), &[]),
                &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
            );
        }
    }
}

#[test]
fn inserting_a_row_of_another_cauldron_is_refused() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        for statement in [
            "INSERT INTO app.members (name, cauldron_id) VALUES ('intruder', 'globex')",
            "INSERT INTO app.stories (slug, cauldron_id) VALUES ('intruder', 'globex')",
            "INSERT INTO app.events (at, kind, cauldron_id) VALUES ('2026-02-02', 'x', 'globex')",
            "INSERT INTO app.events_2026 (at, kind, cauldron_id) VALUES ('2026-02-02', 'x', 'globex')",
        ] {
            client.batch_execute("SAVEPOINT attempt").unwrap();
            expect_sqlstate(client.batch_execute(statement), &SqlState::INSUFFICIENT_PRIVILEGE);
            client.batch_execute("ROLLBACK TO SAVEPOINT attempt").unwrap();
        }
    }
}

#[test]
fn updating_a_row_into_another_cauldron_is_refused() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        for relation in [
            "app.members",
            "app.stories",
            "app.events",
            "app.events_2025",
        ] {
            client.batch_execute("SAVEPOINT attempt").unwrap();
            expect_sqlstate(
                client.batch_execute(&format!("UPDATE {relation} SET cauldron_id = 'globex'")),
                &SqlState::INSUFFICIENT_PRIVILEGE,
            );
            client
                .batch_execute("ROLLBACK TO SAVEPOINT attempt")
                .unwrap();
        }
    }
}

#[test]
fn updates_and_deletes_cannot_reach_another_cauldrons_rows() {
    let fixture = Fixture::new();
    let globex_member = fixture.id_in("app.members", "globex");
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        let updated = client
            .execute(
                "UPDATE app.members SET name = 'stolen' WHERE id = $1::text::uuid",
                &[&globex_member.0],
            )
            .unwrap();
        assert_eq!(updated, 0);
        let updated = client
            .execute("UPDATE app.events SET kind = 'stolen'", &[])
            .unwrap();
        assert_eq!(updated as i64, EVENTS_PER_CAULDRON, "only acme's events");
        let deleted = client
            .execute(
                "DELETE FROM app.members WHERE id = $1::text::uuid",
                &[&globex_member.0],
            )
            .unwrap();
        assert_eq!(deleted, 0);
        let returned = client
            .query("DELETE FROM app.events RETURNING cauldron_id", &[])
            .unwrap();
        assert!(returned.iter().all(|row| row.get::<_, String>(0) == "acme"));
        let locked = client
            .query(
                "SELECT 1 FROM app.members WHERE id = $1::text::uuid FOR UPDATE",
                &[&globex_member.0],
            )
            .unwrap();
        assert!(locked.is_empty());
        client.batch_execute("ROLLBACK").unwrap();
    }
    let mut superuser = fixture.database.superuser();
    let untouched = count(
        &mut superuser,
        "SELECT count(*) FROM app.members WHERE name = 'stolen'",
    );
    assert_eq!(untouched, 0);
    let events = count(
        &mut superuser,
        "SELECT count(*) FROM app.events WHERE kind = 'stolen'",
    );
    assert_eq!(events, 0);
}

#[test]
fn on_conflict_do_update_cannot_hit_another_cauldrons_row() {
    let fixture = Fixture::new();
    let globex_member = fixture.id_in("app.members", "globex");
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        // The surrogate key of another cauldron's row: the existing row fails the policy's
        // USING check, so DO UPDATE is refused rather than applied.
        client.batch_execute("SAVEPOINT attempt").unwrap();
        expect_sqlstate(
            client.execute(
                "INSERT INTO app.members (id, name) VALUES ($1::text::uuid, 'stolen')
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                &[&globex_member.0],
            ),
            &SqlState::INSUFFICIENT_PRIVILEGE,
        );
        client
            .batch_execute("ROLLBACK TO SAVEPOINT attempt")
            .unwrap();
        // A natural key scoped by cauldron: the same slug in acme is a different key, so the
        // statement inserts acme's own row and leaves globex's alone.
        client
            .batch_execute(
                "INSERT INTO app.stories (slug, body) VALUES ('globex-only', 'mine')
                 ON CONFLICT (cauldron_id, slug) DO UPDATE SET body = 'stolen'",
            )
            .unwrap();
        client.batch_execute("ROLLBACK").unwrap();
    }
    let mut superuser = fixture.database.superuser();
    assert_eq!(
        count(
            &mut superuser,
            "SELECT count(*) FROM app.members WHERE name = 'stolen'"
        ),
        0
    );
    assert_eq!(
        count(
            &mut superuser,
            "SELECT count(*) FROM app.stories WHERE body = 'stolen'"
        ),
        0
    );
}

#[test]
fn copy_to_exports_only_the_current_cauldron() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        for copy in [
            "COPY app.stories (cauldron_id) TO STDOUT",
            "COPY app.members (cauldron_id) TO STDOUT",
            "COPY (SELECT cauldron_id FROM app.events) TO STDOUT",
            "COPY (SELECT cauldron_id FROM app.member_stories) TO STDOUT",
        ] {
            let mut output = String::new();
            client
                .copy_out(copy)
                .unwrap()
                .read_to_string(&mut output)
                .unwrap();
            assert!(!output.is_empty(), "{role}: {copy} exported nothing");
            assert!(
                output.lines().all(|line| line == "acme"),
                "{role}: {copy}:\n{output}"
            );
        }
    }
}

#[test]
fn copy_from_is_refused_under_row_level_security() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        for cauldron in ["acme", "globex"] {
            // The server refuses before the copy starts; the client library cannot resume
            // such a connection, so each attempt gets its own.
            let mut client = fixture.entered(role, "acme");
            let result = client
                .copy_in("COPY app.members (name, cauldron_id) FROM STDIN")
                .and_then(|mut writer| {
                    writer
                        .write_all(format!("copied\t{cauldron}\n").as_bytes())
                        .unwrap();
                    writer.finish()
                });
            expect_sqlstate(result, &SqlState::FEATURE_NOT_SUPPORTED);
        }
    }
    let mut superuser = fixture.database.superuser();
    assert_eq!(
        count(
            &mut superuser,
            "SELECT count(*) FROM app.members WHERE name = 'copied'"
        ),
        0
    );
}

#[test]
fn a_foreign_key_cannot_point_at_another_cauldrons_parent() {
    let fixture = Fixture::new();
    let globex_member = fixture.id_in("app.members", "globex");
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        expect_sqlstate(
            client.execute(
                "INSERT INTO app.stories (member_id, slug) VALUES ($1::text::uuid, 'borrowed parent')",
                &[&globex_member.0],
            ),
            &SqlState::FOREIGN_KEY_VIOLATION,
        );
    }
}

#[test]
fn joins_and_subqueries_stay_in_the_cauldron() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        for query in [
            "SELECT count(*) FROM app.stories s JOIN app.members m ON m.id = s.member_id
              WHERE s.cauldron_id <> 'acme' OR m.cauldron_id <> 'acme'",
            "SELECT count(*) FROM app.stories s RIGHT JOIN app.members m ON true
              WHERE m.cauldron_id <> 'acme' OR s.cauldron_id <> 'acme'",
            "SELECT count(*) FROM app.members m
              WHERE m.id IN (SELECT member_id FROM app.stories) AND m.cauldron_id <> 'acme'",
            "SELECT count(*) FROM app.members m
              WHERE EXISTS (SELECT 1 FROM app.stories s WHERE s.cauldron_id = 'globex')",
            "SELECT count(*) FROM app.members m CROSS JOIN LATERAL
               (SELECT cauldron_id FROM app.events LIMIT 1) e WHERE e.cauldron_id <> 'acme'",
            "WITH everything AS (SELECT cauldron_id FROM app.members UNION ALL
                                 SELECT cauldron_id FROM app.stories UNION ALL
                                 SELECT cauldron_id FROM app.events)
             SELECT count(*) FROM everything WHERE cauldron_id <> 'acme'",
            "SELECT count(*) FROM app.member_stories WHERE cauldron_id <> 'acme'",
        ] {
            assert_eq!(count(&mut client, query), 0, "{role}: {query}");
        }
    }
}

#[test]
fn a_cursor_opened_before_a_switch_cannot_carry_rows_across() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        // Within a transaction: leaving the cauldron while a cursor is open is refused,
        // so its remaining rows can never be read in another cauldron.
        let mut client = fixture.entered(role, "acme");
        client
            .batch_execute("DECLARE stories_cursor CURSOR FOR SELECT cauldron_id FROM app.stories")
            .unwrap();
        client.batch_execute("FETCH 1 FROM stories_cursor").unwrap();
        expect_sqlstate(
            client.batch_execute("SELECT cauldron.exit()"),
            &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
        );
        client.batch_execute("ROLLBACK").unwrap();

        // Across transactions: a WITH HOLD cursor keeps acme's rows after COMMIT, so no
        // cauldron may be entered until it is closed.
        client
            .batch_execute(
                "BEGIN; SELECT cauldron.enter('acme');
                 DECLARE held CURSOR WITH HOLD FOR SELECT cauldron_id FROM app.stories;
                 COMMIT;",
            )
            .unwrap();
        client.batch_execute("BEGIN").unwrap();
        expect_sqlstate(
            client.batch_execute("SELECT cauldron.enter('globex')"),
            &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
        );
        client
            .batch_execute("ROLLBACK; CLOSE ALL; BEGIN; SELECT cauldron.enter('globex')")
            .unwrap();
        assert_eq!(
            count(
                &mut client,
                "SELECT count(*) FROM app.stories WHERE cauldron_id <> 'globex'"
            ),
            0
        );
        client.batch_execute("COMMIT").unwrap();
    }
}

#[test]
fn a_prepared_statement_reused_after_a_switch_follows_the_new_cauldron() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        let mut client = fixture.database.connect_as(role);
        let statement = client
            .prepare(
                "SELECT count(*), count(*) FILTER (WHERE cauldron_id <> current_cauldron())
                        FROM app.stories",
            )
            .unwrap();
        for round in 0..8 {
            let cauldron = CAULDRONS[round % 3];
            let mut transaction = client.transaction().unwrap();
            transaction
                .execute("SELECT cauldron.enter($1)", &[&cauldron])
                .unwrap();
            let row = transaction.query_one(&statement, &[]).unwrap();
            assert_eq!(
                row.get::<_, i64>(0),
                MEMBERS_PER_CAULDRON * STORIES_PER_MEMBER + 1
            );
            assert_eq!(row.get::<_, i64>(1), 0, "{role}, round {round}");
            transaction.commit().unwrap();
        }
    }
}

#[test]
fn sql_and_plpgsql_functions_see_only_the_current_cauldron() {
    let fixture = Fixture::new();
    let expected = MEMBERS_PER_CAULDRON * STORIES_PER_MEMBER + 1;
    for role in fixture.roles() {
        for cauldron in CAULDRONS {
            let mut client = fixture.entered(role, cauldron);
            assert_eq!(count(&mut client, "SELECT app.story_count_sql()"), expected);
            assert_eq!(
                count(&mut client, "SELECT app.story_count_plpgsql()"),
                expected
            );
        }
    }
}

#[test]
fn a_leaky_function_in_where_sees_only_the_current_cauldrons_rows() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        let (mut client, notices) = connect_collecting_notices(role, &fixture.database.name);
        client
            .batch_execute("BEGIN; SELECT cauldron.enter('acme')")
            .unwrap();
        client
            .batch_execute("SELECT count(*) FROM app.stories WHERE app.leak(body)")
            .unwrap();
        let seen = notices.lock().unwrap().clone();
        assert!(!seen.is_empty());
        assert!(
            seen.iter()
                .all(|notice| !notice.contains("globex") && !notice.contains("initech")),
            "{role} leaked through a function: {seen:?}"
        );
    }
}

#[test]
fn planner_statistics_are_hidden_from_roles_under_row_level_security() {
    let fixture = Fixture::new();
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        let visible = count(
            &mut client,
            "SELECT count(*) FROM pg_stats WHERE schemaname = 'app' AND tablename <> 'plans'",
        );
        assert_eq!(visible, 0, "{role} reads pg_stats of isolated tables");
    }
}

#[test]
fn merge_cannot_reach_or_write_another_cauldron() {
    let fixture = Fixture::new();
    let globex_member = fixture.id_in("app.members", "globex");
    for role in fixture.roles() {
        let mut client = fixture.entered(role, "acme");
        client
            .execute(
                "MERGE INTO app.members AS target USING (SELECT $1::text::uuid AS id) AS source
                   ON target.id = source.id
                 WHEN MATCHED THEN UPDATE SET name = 'stolen'
                 WHEN NOT MATCHED THEN DO NOTHING",
                &[&globex_member.0],
            )
            .unwrap();
        expect_sqlstate(
            client.batch_execute(
                "MERGE INTO app.members AS target USING (SELECT 'merged' AS name) AS source
                   ON false
                 WHEN NOT MATCHED THEN INSERT (name, cauldron_id) VALUES (source.name, 'globex')",
            ),
            &SqlState::INSUFFICIENT_PRIVILEGE,
        );
    }
    let mut superuser = fixture.database.superuser();
    assert_eq!(
        count(
            &mut superuser,
            "SELECT count(*) FROM app.members WHERE name = 'stolen'"
        ),
        0
    );
}

/// Open by design: a unique constraint is checked against every row, so a colliding
/// surrogate key tells one cauldron that another holds that value. Random UUID keys make
/// this a non-issue in practice; `cauldron-audit` reports unique constraints on natural
/// keys that leave out the tenant column (`unscoped-unique-constraint`).
#[test]
fn a_unique_violation_reveals_that_a_key_exists_elsewhere() {
    let fixture = Fixture::new();
    let globex_member = fixture.id_in("app.members", "globex");
    let mut client = fixture.entered(&fixture.app, "acme");
    expect_sqlstate(
        client.execute(
            "INSERT INTO app.members (id, name) VALUES ($1::text::uuid, 'probe')",
            &[&globex_member.0],
        ),
        &SqlState::UNIQUE_VIOLATION,
    );
}

/// Open by design: TRUNCATE ignores row-level security. The application role holds no
/// TRUNCATE privilege; the owner does, which `cauldron-audit` accepts and reports for
/// any other role (`truncate-privilege`).
#[test]
fn truncate_is_out_of_the_application_roles_reach() {
    let fixture = Fixture::new();
    let mut client = fixture.entered(&fixture.app, "acme");
    expect_sqlstate(
        client.batch_execute("TRUNCATE app.stories"),
        &SqlState::INSUFFICIENT_PRIVILEGE,
    );
    let mut owner = fixture.entered(&fixture.owner, "acme");
    owner.batch_execute("TRUNCATE app.stories").unwrap();
    assert_eq!(count(&mut owner, "SELECT count(*) FROM app.stories"), 0);
    owner.batch_execute("ROLLBACK").unwrap();
}
