//! Shared fixtures for the end-to-end suites: throw-away databases and roles on the local
//! PostgreSQL server, and assertions on SQLSTATEs.
//!
//! Every suite creates what it needs under unique names and drops it afterwards, so suites
//! run in parallel and never depend on what an earlier run left behind.

use postgres::error::SqlState;
use postgres::{Client, NoTls};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where the superuser connects; `CAULDRON_TEST_HOST`/`CAULDRON_TEST_PORT` override it.
fn server() -> (String, String) {
    let host = std::env::var("CAULDRON_TEST_HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port = std::env::var("CAULDRON_TEST_PORT").unwrap_or_else(|_| "5432".into());
    (host, port)
}

/// Connects to `database` as `role` over TCP.
pub fn connect(role: &str, database: &str) -> Client {
    let (host, port) = server();
    let config = format!("host={host} port={port} user={role} dbname={database}");
    Client::connect(&config, NoTls)
        .unwrap_or_else(|error| panic!("cannot connect as {role} to {database}: {error}"))
}

/// Connects and collects every NOTICE the server sends into the returned list.
pub fn connect_collecting_notices(
    role: &str,
    database: &str,
) -> (Client, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let (host, port) = server();
    let notices = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = notices.clone();
    let mut config: postgres::Config =
        format!("host={host} port={port} user={role} dbname={database}")
            .parse()
            .unwrap();
    config.notice_callback(move |notice| sink.lock().unwrap().push(notice.message().to_string()));
    let client = config
        .connect(NoTls)
        .unwrap_or_else(|error| panic!("cannot connect: {error}"));
    (client, notices)
}

/// Connects with extra startup options, as libpq's PGOPTIONS would send them.
pub fn connect_with_options(role: &str, database: &str, options: &str) -> Client {
    let (host, port) = server();
    let mut config: postgres::Config =
        format!("host={host} port={port} user={role} dbname={database}")
            .parse()
            .unwrap();
    config.options(options);
    config
        .connect(NoTls)
        .unwrap_or_else(|error| panic!("cannot connect as {role}: {error}"))
}

fn unique_name(kind: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let count = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("cauldron_t{}_{}_{kind}", std::process::id(), count)
}

/// A database with the extension installed, dropped (with its roles) when this goes away.
pub struct TestDatabase {
    pub name: String,
    roles: Vec<String>,
}

impl TestDatabase {
    /// Creates a database and runs `CREATE EXTENSION cauldron` in it.
    pub fn with_extension() -> Self {
        let database = Self::empty();
        database
            .superuser()
            .batch_execute("CREATE EXTENSION cauldron")
            .unwrap();
        database
    }

    /// Creates an empty database.
    pub fn empty() -> Self {
        let name = unique_name("db");
        connect("postgres", "postgres")
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        TestDatabase {
            name,
            roles: Vec::new(),
        }
    }

    /// A connection as the superuser `postgres`.
    pub fn superuser(&self) -> Client {
        connect("postgres", &self.name)
    }

    /// Creates an ordinary LOGIN role (not superuser, no BYPASSRLS, owning nothing) that may
    /// connect and use the `public` schema, and returns its name.
    pub fn create_role(&mut self, kind: &str) -> String {
        let role = unique_name(kind);
        self.superuser()
            .batch_execute(&format!(
                "CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                 GRANT USAGE ON SCHEMA public TO {role};"
            ))
            .unwrap();
        self.roles.push(role.clone());
        role
    }

    /// Creates a role allowed to switch cauldrons, as the README tells a DBA to.
    pub fn create_pooler_role(&mut self) -> String {
        let role = self.create_role("pooler");
        self.superuser()
            .batch_execute(&format!(
                "GRANT EXECUTE ON FUNCTION cauldron.enter(text, boolean), cauldron.exit()
                 TO {role};"
            ))
            .unwrap();
        role
    }

    /// A connection as `role`.
    pub fn connect_as(&self, role: &str) -> Client {
        connect(role, &self.name)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Ok(mut admin) = postgres::Client::connect(
            &format!(
                "host={} port={} user=postgres dbname=postgres",
                server().0,
                server().1
            ),
            NoTls,
        ) else {
            return;
        };
        let name = &self.name;
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        for role in &self.roles {
            let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS {role}"));
        }
    }
}

/// The usual cast: a database with the extension and registered cauldrons, a pooler role
/// allowed to switch between them, and an ordinary application role that is not.
pub struct Tenancy {
    pub database: TestDatabase,
    pub pooler: String,
    pub app: String,
}

impl Tenancy {
    /// Registers `cauldrons` (each id doubles as its name) and creates both roles.
    pub fn new(cauldrons: &[&str]) -> Self {
        let mut database = TestDatabase::with_extension();
        for cauldron in cauldrons {
            database
                .superuser()
                .execute("SELECT cauldron.create_cauldron($1, $1)", &[cauldron])
                .unwrap();
        }
        let pooler = database.create_pooler_role();
        let app = database.create_role("app");
        Tenancy {
            database,
            pooler,
            app,
        }
    }
}

/// Asserts that `result` failed with `expected`, and returns the server's message.
pub fn expect_sqlstate<T: std::fmt::Debug>(
    result: Result<T, postgres::Error>,
    expected: &SqlState,
) -> String {
    match result {
        Ok(value) => panic!(
            "expected SQLSTATE {}, but it succeeded: {value:?}",
            expected.code()
        ),
        Err(error) => {
            let Some(database_error) = error.as_db_error() else {
                panic!(
                    "expected SQLSTATE {}, got a client error: {error}",
                    expected.code()
                )
            };
            assert_eq!(
                database_error.code(),
                expected,
                "expected SQLSTATE {}, got {}: {}",
                expected.code(),
                database_error.code().code(),
                database_error.message()
            );
            database_error.message().to_string()
        }
    }
}

/// The single text value a query returns.
pub fn one_text(client: &mut Client, query: &str) -> Option<String> {
    client.query_one(query, &[]).unwrap().get(0)
}

/// The names of the policies on `table`, sorted.
pub fn policy_names(client: &mut Client, table: &str) -> Vec<String> {
    client
        .query(
            "SELECT polname::text FROM pg_policy WHERE polrelid = $1::text::regclass ORDER BY 1",
            &[&table],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

/// Where `cauldron.context()` says the context comes from, and the id.
pub fn context(client: &mut Client) -> (Option<String>, String) {
    let row = client
        .query_one("SELECT cauldron_id, source FROM cauldron.context()", &[])
        .unwrap();
    (row.get(0), row.get(1))
}
