//! The DDL guard in each mode, the changes it watches, what it leaves alone, and who may
//! change its setting.

use cauldron_tests::{
    connect_collecting_notices, expect_sqlstate, one_text, policy_names, TestDatabase,
};
use postgres::error::SqlState;
use postgres::Client;

/// A database whose owner is an ordinary role, with an isolated table and an isolated
/// partitioned table, and the guard in `mode` for the whole database.
struct Fixture {
    database: TestDatabase,
    owner: String,
}

fn fixture(mode: &str) -> Fixture {
    let mut database = TestDatabase::with_extension();
    let owner = database.create_role("owner");
    let name = database.name.clone();
    database
        .superuser()
        .batch_execute(&format!(
            "ALTER DATABASE {name} OWNER TO {owner};
             ALTER SCHEMA public OWNER TO {owner};
             ALTER DATABASE {name} SET cauldron.guard = {mode};
             SELECT cauldron.create_cauldron('acme', 'Acme');"
        ))
        .unwrap();
    database
        .connect_as(&owner)
        .batch_execute(
            "SET cauldron.guard = off;
             CREATE TABLE notes (id int, cauldron_id varchar(50) NOT NULL);
             SELECT * FROM cauldron.isolate('notes');
             CREATE TABLE events (at date, cauldron_id varchar(50) NOT NULL)
                 PARTITION BY RANGE (at);
             CREATE TABLE events_2026 PARTITION OF events
                 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
             SELECT * FROM cauldron.isolate('events');",
        )
        .unwrap();
    Fixture { database, owner }
}

impl Fixture {
    fn owner(&self) -> Client {
        self.database.connect_as(&self.owner)
    }
}

fn table_exists(client: &mut Client, name: &str) -> bool {
    client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
        .unwrap()
        .get(0)
}

fn isolated(client: &mut Client, table: &str) -> bool {
    one_text(
        client,
        &format!(
            "SELECT (rls_enabled AND rls_forced AND isolation_policy = 'correct')::text
               FROM cauldron.status() WHERE table_name = '{table}'::regclass"
        ),
    )
    .as_deref()
        == Some("true")
}

/// Statements that weaken an isolated table, each of which the guard must see.
const WEAKENING: [&str; 7] = [
    "ALTER TABLE notes DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE notes NO FORCE ROW LEVEL SECURITY",
    "DROP POLICY cauldron_isolation ON notes",
    "ALTER POLICY cauldron_isolation ON notes USING (true)",
    "ALTER TABLE notes DROP COLUMN cauldron_id CASCADE",
    "ALTER TABLE notes ALTER COLUMN cauldron_id DROP NOT NULL",
    "ALTER TABLE notes ADD COLUMN body text, DISABLE ROW LEVEL SECURITY",
];

const CREATING_WITHOUT_TENANT: [(&str, &str); 3] = [
    ("CREATE TABLE loose (id int)", "loose"),
    (
        "CREATE TABLE loose_as AS SELECT 1 AS id WHERE false",
        "loose_as",
    ),
    ("SELECT 1 AS id INTO loose_into WHERE false", "loose_into"),
];

#[test]
fn enforce_rejects_tables_without_the_tenant_column() {
    let fixture = fixture("enforce");
    let mut owner = fixture.owner();
    for (statement, table) in CREATING_WITHOUT_TENANT {
        expect_sqlstate(
            owner.batch_execute(statement),
            &SqlState::INVALID_TABLE_DEFINITION,
        );
        assert!(!table_exists(&mut owner, table), "{table} was created");
    }
    expect_sqlstate(
        owner.batch_execute("CREATE TABLE nullable (cauldron_id varchar(50))"),
        &SqlState::INVALID_TABLE_DEFINITION,
    );
    owner
        .batch_execute("CREATE TABLE tenant_ready (id int, cauldron_id varchar(50) NOT NULL)")
        .unwrap();
}

#[test]
fn enforce_rejects_every_weakening_of_an_isolated_table() {
    let fixture = fixture("enforce");
    let mut owner = fixture.owner();
    for statement in WEAKENING {
        expect_sqlstate(
            owner.batch_execute(statement),
            &SqlState::INVALID_TABLE_DEFINITION,
        );
        assert!(isolated(&mut owner, "notes"), "{statement} went through");
    }
}

/// Policies that OR rows of other cauldrons into an isolated table.
const BYPASSING: [&str; 6] = [
    "CREATE POLICY open ON notes FOR SELECT USING (true)",
    "CREATE POLICY anyone ON notes FOR INSERT WITH CHECK (true)",
    "CREATE POLICY either ON notes USING (cauldron_id = (SELECT current_cauldron()) OR true)",
    "CREATE POLICY moving ON notes FOR UPDATE
         USING (cauldron_id = (SELECT current_cauldron())) WITH CHECK (true)",
    "CREATE POLICY later ON notes FOR SELECT USING (id > 0 AND cauldron_id IS NOT NULL)",
    "CREATE POLICY open ON events_2026 FOR SELECT USING (true)",
];

#[test]
fn enforce_rejects_policies_that_let_other_cauldrons_through() {
    let fixture = fixture("enforce");
    let mut owner = fixture.owner();
    for statement in BYPASSING {
        let message = expect_sqlstate(
            owner.batch_execute(statement),
            &SqlState::INVALID_TABLE_DEFINITION,
        );
        assert!(
            message.contains("lets rows of other cauldrons through"),
            "{message}"
        );
    }
    assert_eq!(policy_names(&mut owner, "notes"), ["cauldron_isolation"]);
    assert_eq!(
        policy_names(&mut owner, "events_2026"),
        ["cauldron_isolation"]
    );

    // Narrowing is fine: a restrictive policy, or a permissive one that keeps the tenant
    // condition as its first conjunct.
    owner
        .batch_execute(
            "CREATE POLICY positive ON notes AS RESTRICTIVE USING (id > 0);
             CREATE POLICY own_small ON notes FOR SELECT
                 USING (cauldron_id = (SELECT current_cauldron()) AND id < 100);",
        )
        .unwrap();
    expect_sqlstate(
        owner.batch_execute("ALTER POLICY own_small ON notes USING (true)"),
        &SqlState::INVALID_TABLE_DEFINITION,
    );
    // A table that is not isolated is the auditor's business, not the guard's.
    owner
        .batch_execute(
            "CREATE TABLE drafts (id int, cauldron_id varchar(50) NOT NULL);
             CREATE POLICY open ON drafts USING (true);",
        )
        .unwrap();
}

#[test]
fn isolate_warns_about_policies_that_let_other_cauldrons_through() {
    let fixture = fixture("enforce");
    let (mut owner, notices) = connect_collecting_notices(&fixture.owner, &fixture.database.name);
    owner
        .batch_execute(
            "CREATE TABLE drafts (id int, cauldron_id varchar(50) NOT NULL);
             CREATE POLICY open ON drafts FOR SELECT USING (true);
             SELECT * FROM cauldron.isolate('drafts');",
        )
        .unwrap();
    let seen = notices.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|notice| notice
                .contains("policy open on public.drafts lets rows of other cauldrons")),
        "{seen:?}"
    );
}

#[test]
fn enforce_rejects_partitions_that_escape_their_parents_isolation() {
    let fixture = fixture("enforce");
    let mut owner = fixture.owner();
    expect_sqlstate(
        owner.batch_execute(
            "CREATE TABLE events_2027 PARTITION OF events
               FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')",
        ),
        &SqlState::INVALID_TABLE_DEFINITION,
    );
    owner
        .batch_execute(
            "SET cauldron.guard = off;
             CREATE TABLE events_2028 (LIKE events);
             RESET cauldron.guard",
        )
        .unwrap();
    expect_sqlstate(
        owner.batch_execute(
            "ALTER TABLE events ATTACH PARTITION events_2028
               FOR VALUES FROM ('2028-01-01') TO ('2029-01-01')",
        ),
        &SqlState::INVALID_TABLE_DEFINITION,
    );
    owner
        .batch_execute("SELECT * FROM cauldron.isolate('events_2028')")
        .unwrap();
    owner
        .batch_execute(
            "ALTER TABLE events ATTACH PARTITION events_2028
               FOR VALUES FROM ('2028-01-01') TO ('2029-01-01')",
        )
        .unwrap();
}

#[test]
fn enforce_rejects_inheritance_children_that_escape_their_parents_isolation() {
    // A child queried directly is checked against its own policies, as a partition is.
    let fixture = fixture("enforce");
    let mut owner = fixture.owner();
    let message = expect_sqlstate(
        owner.batch_execute("CREATE TABLE notes_archive () INHERITS (notes)"),
        &SqlState::INVALID_TABLE_DEFINITION,
    );
    assert!(
        message.contains("inherits from isolated table public.notes"),
        "{message}"
    );
    owner
        .batch_execute(
            "SET cauldron.guard = off;
             CREATE TABLE notes_old (id int, cauldron_id varchar(50) NOT NULL);
             RESET cauldron.guard",
        )
        .unwrap();
    expect_sqlstate(
        owner.batch_execute("ALTER TABLE notes_old INHERIT notes"),
        &SqlState::INVALID_TABLE_DEFINITION,
    );
    // isolate() follows inheritance as it follows partitions.
    owner
        .batch_execute(
            "SELECT * FROM cauldron.isolate('notes_old');
             ALTER TABLE notes_old INHERIT notes;
             SELECT * FROM cauldron.release('notes');",
        )
        .unwrap();
    assert!(
        !isolated(&mut owner, "notes_old"),
        "release() follows it too"
    );
    owner
        .batch_execute("SELECT * FROM cauldron.isolate('notes')")
        .unwrap();
    assert!(isolated(&mut owner, "notes_old"));
}

#[test]
fn the_helpers_work_under_an_enforcing_guard() {
    let fixture = fixture("enforce");
    let mut owner = fixture.owner();
    owner
        .batch_execute("SELECT * FROM cauldron.release('notes')")
        .unwrap();
    owner
        .batch_execute("SELECT * FROM cauldron.isolate('notes')")
        .unwrap();
    owner
        .batch_execute("SELECT * FROM cauldron.release('events')")
        .unwrap();
    owner
        .batch_execute("SELECT * FROM cauldron.isolate('events')")
        .unwrap();
    assert!(isolated(&mut owner, "events_2026"));
    fixture
        .database
        .superuser()
        .batch_execute("SELECT cauldron.share('public.lookup')")
        .unwrap();
    owner
        .batch_execute("CREATE TABLE lookup (code text)")
        .unwrap();
}

#[test]
fn warn_lets_the_statement_through_with_a_warning() {
    let fixture = fixture("warn");
    let (mut owner, notices) = connect_collecting_notices(&fixture.owner, &fixture.database.name);
    owner.batch_execute("CREATE TABLE loose (id int)").unwrap();
    owner
        .batch_execute("ALTER TABLE notes NO FORCE ROW LEVEL SECURITY")
        .unwrap();
    let seen = notices.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|notice| notice.contains("public.loose has no tenant column")),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|notice| notice.contains("not forced")),
        "{seen:?}"
    );
}

#[test]
fn auto_gives_new_tables_the_tenant_column_and_isolation() {
    let fixture = fixture("auto");
    let mut owner = fixture.owner();
    for (statement, table) in CREATING_WITHOUT_TENANT {
        owner.batch_execute(statement).unwrap();
        assert!(isolated(&mut owner, table), "{table} was not fixed");
    }
    owner
        .batch_execute("CREATE TABLE with_column (cauldron_id varchar(50) NOT NULL)")
        .unwrap();
    assert!(isolated(&mut owner, "with_column"));
    owner
        .batch_execute(
            "CREATE TABLE events_2027 PARTITION OF events
               FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')",
        )
        .unwrap();
    assert!(isolated(&mut owner, "events_2027"));
    owner
        .batch_execute("CREATE TABLE notes_archive () INHERITS (notes)")
        .unwrap();
    assert!(isolated(&mut owner, "notes_archive"));
    // With rows and no cauldron to give them, auto cannot fix the table and says why.
    expect_sqlstate(
        owner.batch_execute("CREATE TABLE filled AS SELECT 1 AS id"),
        &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
    );
    for statement in WEAKENING {
        expect_sqlstate(
            owner.batch_execute(statement),
            &SqlState::INVALID_TABLE_DEFINITION,
        );
    }
}

#[test]
fn temporary_shared_and_extension_tables_are_left_alone() {
    let fixture = fixture("enforce");
    let mut owner = fixture.owner();
    owner
        .batch_execute("CREATE TEMP TABLE scratch (id int)")
        .unwrap();
    fixture
        .database
        .superuser()
        .batch_execute("SELECT cauldron.share('public.countries')")
        .unwrap();
    owner
        .batch_execute("CREATE TABLE countries (code text)")
        .unwrap();
    owner
        .batch_execute("ALTER TABLE countries ADD COLUMN name text")
        .unwrap();
    fixture
        .database
        .superuser()
        .batch_execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .unwrap();
}

#[test]
fn off_checks_nothing() {
    let fixture = fixture("off");
    let mut owner = fixture.owner();
    owner.batch_execute("CREATE TABLE loose (id int)").unwrap();
    owner
        .batch_execute("ALTER TABLE notes DISABLE ROW LEVEL SECURITY")
        .unwrap();
}

#[test]
fn only_a_superuser_or_the_database_owner_changes_the_setting() {
    let mut fixture = fixture("auto");
    let app = fixture.database.create_role("app");
    let name = fixture.database.name.clone();
    let mut client = fixture.database.connect_as(&app);
    client
        .batch_execute("SELECT cauldron.guard_mode()")
        .unwrap();
    for statement in [
        "SET cauldron.guard = off".to_string(),
        "SET LOCAL cauldron.guard = off".to_string(),
        "SELECT set_config('cauldron.guard', 'off', false)".to_string(),
        format!("ALTER ROLE {app} SET cauldron.guard = off"),
        format!("ALTER DATABASE {name} SET cauldron.guard = off"),
    ] {
        expect_sqlstate(
            client.batch_execute(&statement),
            &SqlState::INSUFFICIENT_PRIVILEGE,
        );
    }
    assert_eq!(
        one_text(&mut client, "SELECT cauldron.guard_mode()").as_deref(),
        Some("auto")
    );

    // A refused connection option falls back to the strict built-in default, never to off.
    let mut options = cauldron_tests::connect_with_options(&app, &name, "-c cauldron.guard=off");
    let mode = one_text(&mut options, "SELECT cauldron.guard_mode()");
    assert_eq!(mode.as_deref(), Some("enforce"));

    let mut owner = fixture.owner();
    owner
        .batch_execute("SELECT cauldron.guard_mode(); SET cauldron.guard = warn")
        .unwrap();
    owner
        .batch_execute(&format!("ALTER DATABASE {name} SET cauldron.guard = warn"))
        .unwrap();
}
