//! Every route we know by which an ordinary role might switch or forge the cauldron context.
//! Each test must fail to switch: the role ends up with no cauldron, or the one its pooler
//! entered, never the one it asked for.

use cauldron_tests::{connect_with_options, context, expect_sqlstate, Tenancy};
use postgres::error::SqlState;

fn fixture() -> Tenancy {
    let fixture = Tenancy::new(&["acme", "globex"]);
    // The pooler may become the app role, as a pooler that runs client SQL under the
    // client's own role does.
    let (app, pooler) = (&fixture.app, &fixture.pooler);
    fixture
        .database
        .superuser()
        .batch_execute(&format!("GRANT {app} TO {pooler}"))
        .unwrap();
    fixture
}

/// A connection whose backend has loaded the library, so the settings exist and refuse
/// at once; `a_placeholder_set_before_the_library_loads_is_discarded` covers the other case.
fn loaded(fixture: &Tenancy, role: &str) -> postgres::Client {
    let mut client = fixture.database.connect_as(role);
    client
        .batch_execute("SELECT * FROM cauldron.context()")
        .unwrap();
    client
}

const SETTINGS: [&str; 3] = ["cauldron.id", "cauldron.session_id", "cauldron.default_id"];

#[test]
fn set_set_local_and_reset_are_refused() {
    let fixture = fixture();
    let mut app = loaded(&fixture, &fixture.app);
    for setting in SETTINGS {
        for statement in [
            format!("SET {setting} = 'globex'"),
            format!("SET SESSION {setting} = 'globex'"),
            format!("BEGIN; SET LOCAL {setting} = 'globex'"),
            format!("RESET {setting}"),
            format!("SET {setting} TO DEFAULT"),
        ] {
            expect_sqlstate(
                app.batch_execute(&statement),
                &SqlState::INSUFFICIENT_PRIVILEGE,
            );
            app.batch_execute("ROLLBACK").unwrap();
        }
    }
    assert_eq!(context(&mut app), (None, "none".into()));
}

#[test]
fn set_config_is_refused_in_every_form() {
    let fixture = fixture();
    let mut app = loaded(&fixture, &fixture.app);
    for setting in SETTINGS {
        for local in [true, false] {
            expect_sqlstate(
                app.execute("SELECT set_config($1, 'globex', $2)", &[&setting, &local]),
                &SqlState::INSUFFICIENT_PRIVILEGE,
            );
            expect_sqlstate(
                app.execute(
                    "SELECT pg_catalog.set_config($1, 'globex', $2)",
                    &[&setting, &local],
                ),
                &SqlState::INSUFFICIENT_PRIVILEGE,
            );
        }
        let update = format!("UPDATE pg_settings SET setting = 'globex' WHERE name = '{setting}'");
        expect_sqlstate(
            app.batch_execute(&update),
            &SqlState::INSUFFICIENT_PRIVILEGE,
        );
        let block = format!("DO $$ BEGIN PERFORM set_config('{setting}', 'globex', true); END $$");
        expect_sqlstate(app.batch_execute(&block), &SqlState::INSUFFICIENT_PRIVILEGE);
    }
    assert_eq!(context(&mut app), (None, "none".into()));
}

#[test]
fn a_placeholder_set_before_the_library_loads_is_discarded() {
    let fixture = fixture();
    // A fresh backend has not loaded the library, so SET creates a placeholder; loading the
    // library re-checks it against the setting's privilege and throws it away.
    let mut app = fixture.database.connect_as(&fixture.app);
    let _ = app.batch_execute("SET cauldron.id = 'globex'");
    let _ = app.batch_execute("SET cauldron.session_id = 'globex'");
    assert_eq!(context(&mut app), (None, "none".into()));
    expect_sqlstate(
        app.query_one("SELECT current_cauldron()", &[]),
        &SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
    );
}

#[test]
fn connection_options_cannot_set_the_context() {
    let fixture = fixture();
    for setting in SETTINGS {
        let options = format!("-c {setting}=globex");
        let mut app = connect_with_options(&fixture.app, &fixture.database.name, &options);
        assert_eq!(context(&mut app), (None, "none".into()), "{options}");
    }
}

#[test]
fn role_database_and_system_settings_are_refused() {
    let fixture = fixture();
    let app = &fixture.app;
    let name = &fixture.database.name;
    // The app role owns a database of its own here, to rule out owner privileges.
    fixture
        .database
        .superuser()
        .batch_execute(&format!("ALTER DATABASE {name} OWNER TO {app}"))
        .unwrap();
    let mut client = fixture.database.connect_as(app);
    for setting in SETTINGS {
        for statement in [
            format!("ALTER ROLE {app} SET {setting} = 'globex'"),
            format!("ALTER ROLE {app} IN DATABASE {name} SET {setting} = 'globex'"),
            format!("ALTER DATABASE {name} SET {setting} = 'globex'"),
            format!("ALTER SYSTEM SET {setting} = 'globex'"),
        ] {
            expect_sqlstate(
                client.batch_execute(&statement),
                &SqlState::INSUFFICIENT_PRIVILEGE,
            );
        }
    }
    // pg_db_role_setting is cluster-wide: count only what this role or database could own.
    let stored: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_db_role_setting
              WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = current_user)
                 OR setdatabase = (SELECT oid FROM pg_database
                                    WHERE datname = current_database())",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(stored, 0);
}

#[test]
fn function_set_clauses_are_refused() {
    let fixture = fixture();
    let mut app = fixture.database.connect_as(&fixture.app);
    app.batch_execute(&format!("GRANT CREATE ON SCHEMA public TO {}", fixture.app))
        .ok();
    fixture
        .database
        .superuser()
        .batch_execute(&format!("GRANT CREATE ON SCHEMA public TO {}", fixture.app))
        .unwrap();
    for setting in SETTINGS {
        let statement = format!(
            "CREATE FUNCTION forge() RETURNS text LANGUAGE sql SET {setting} = 'globex'
             AS 'SELECT current_cauldron()::text'"
        );
        expect_sqlstate(
            app.batch_execute(&statement),
            &SqlState::INSUFFICIENT_PRIVILEGE,
        );
    }
}

#[test]
fn the_switching_functions_and_the_library_are_out_of_reach() {
    let fixture = fixture();
    let mut app = fixture.database.connect_as(&fixture.app);
    fixture
        .database
        .superuser()
        .batch_execute(&format!("GRANT CREATE ON SCHEMA public TO {}", fixture.app))
        .unwrap();
    for statement in [
        "SELECT cauldron.enter('globex')",
        "SELECT cauldron.enter('globex', session => true)",
        "SELECT cauldron.exit()",
        "SELECT cauldron.create_cauldron('evil', 'Evil')",
        "INSERT INTO cauldron.cauldrons (id, name) VALUES ('evil', 'Evil')",
        "LOAD 'cauldron'",
        "CREATE FUNCTION my_enter(text, boolean) RETURNS text LANGUAGE c
           AS 'cauldron', 'enter_wrapper'",
        "SET ROLE postgres",
        "SET SESSION AUTHORIZATION postgres",
    ] {
        expect_sqlstate(
            app.batch_execute(statement),
            &SqlState::INSUFFICIENT_PRIVILEGE,
        );
    }
    assert_eq!(context(&mut app), (None, "none".into()));
}

#[test]
fn inside_a_pooler_transaction_the_app_role_cannot_leave_the_cauldron() {
    let fixture = fixture();
    let name = &fixture.database.name;
    fixture
        .database
        .superuser()
        .batch_execute(&format!(
            "ALTER DATABASE {name} SET cauldron.default_id = 'globex'"
        ))
        .unwrap();
    let mut pooler = fixture.database.connect_as(&fixture.pooler);
    let app = &fixture.app;
    pooler
        .batch_execute(&format!(
            "BEGIN; SELECT cauldron.enter('acme'); SET LOCAL ROLE {app};"
        ))
        .unwrap();
    // RESET ALL would fall through to the database default if it cleared cauldron.id.
    pooler.batch_execute("RESET ALL").unwrap();
    assert_eq!(
        context(&mut pooler),
        (Some("acme".into()), "transaction".into())
    );
    expect_sqlstate(
        pooler.batch_execute("DISCARD ALL"),
        &SqlState::ACTIVE_SQL_TRANSACTION,
    );
    pooler
        .batch_execute("ROLLBACK; BEGIN; SELECT cauldron.enter('acme');")
        .unwrap();
    pooler
        .batch_execute(&format!("SET LOCAL ROLE {app}"))
        .unwrap();
    for statement in [
        "SELECT cauldron.exit()",
        "SELECT cauldron.enter('globex')",
        "SET LOCAL cauldron.id = 'globex'",
        "RESET cauldron.id",
    ] {
        pooler.batch_execute("SAVEPOINT attempt").unwrap();
        expect_sqlstate(
            pooler.batch_execute(statement),
            &SqlState::INSUFFICIENT_PRIVILEGE,
        );
        pooler
            .batch_execute("ROLLBACK TO SAVEPOINT attempt")
            .unwrap();
        assert_eq!(
            context(&mut pooler),
            (Some("acme".into()), "transaction".into())
        );
    }
    pooler.batch_execute("COMMIT").unwrap();
}
