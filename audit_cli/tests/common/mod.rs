//! A throwaway database per test on the local server, audited as an ordinary login role.
//!
//! The server is `CAULDRON_TEST_URL` (default `postgresql://postgres@127.0.0.1:5432/postgres`,
//! a superuser). Every database and role name carries a prefix unique to the test, so tests
//! run in parallel and never depend on what an earlier run left; the guard drops both.

#![allow(dead_code)] // Each test file uses a different part of this module.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use cauldron_audit::live::{self, ConnectionSettings};
use postgres::Client;

const DEFAULT_URL: &str = "postgresql://postgres@127.0.0.1:5432/postgres";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Settings of the test server's superuser.
pub fn server_settings() -> ConnectionSettings {
    let url = std::env::var("CAULDRON_TEST_URL").unwrap_or_else(|_| DEFAULT_URL.to_string());
    ConnectionSettings::resolve(Some(&url), |_| None).expect("CAULDRON_TEST_URL is valid")
}

/// A database created from a fixture, dropped (with its roles) when this value is dropped.
pub struct TestDatabase {
    /// Database name.
    pub name: String,
    /// Prefix of every role this test creates; fixtures write it as `@PREFIX@`.
    pub prefix: String,
    /// The non-superuser login role the audit runs as.
    pub auditor: String,
    server: ConnectionSettings,
}

impl TestDatabase {
    /// Creates the database and the auditor role, then runs the fixture file as superuser.
    pub fn create(fixture: &str) -> TestDatabase {
        let sql = std::fs::read_to_string(fixture_path(fixture)).expect("fixture exists");
        Self::create_with_sql(&sql)
    }

    /// Like [`TestDatabase::create`] with fixture text.
    pub fn create_with_sql(sql: &str) -> TestDatabase {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let prefix = format!(
            "cauldron_audit_t{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            nanos % 100_000
        );
        let server = server_settings();
        let database = TestDatabase {
            name: format!("{prefix}_db"),
            auditor: format!("{prefix}_auditor"),
            prefix,
            server,
        };
        let mut admin = database.connect_server();
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE template0",
                database.name
            ))
            .expect("create test database");
        admin
            .batch_execute(&format!(
                "CREATE ROLE {} LOGIN NOSUPERUSER",
                database.auditor
            ))
            .expect("create auditor role");
        let mut client = database.admin();
        client
            .batch_execute(&sql.replace("@PREFIX@", &database.prefix))
            .unwrap_or_else(|e| panic!("fixture failed: {e:?}"));
        database
    }

    /// A superuser connection to the test database.
    pub fn admin(&self) -> Client {
        let mut settings = self.server.clone();
        settings.set("dbname", &self.name);
        live::connect(&settings).expect("connect to test database")
    }

    /// Connection string of the auditor role for the test database.
    pub fn audit_url(&self) -> String {
        let mut settings = self.server.clone();
        settings.set("dbname", &self.name);
        settings.set("user", &self.auditor);
        settings.to_keyword_string()
    }

    /// Runs `cauldron-audit --database-url <auditor> args...` in an empty directory.
    pub fn audit(&self, args: &[&str]) -> Output {
        let url = self.audit_url();
        let mut all = vec!["--database-url", url.as_str()];
        all.extend_from_slice(args);
        run_cli(&all, &empty_dir())
    }

    /// Runs the audit with `--format json` and returns the parsed report.
    pub fn audit_json(&self, args: &[&str]) -> (serde_json::Value, i32) {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let output = self.audit(&all);
        let report = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(&output), stderr(&output)));
        (report, output.status.code().unwrap_or(-1))
    }

    fn connect_server(&self) -> Client {
        live::connect(&self.server).expect("connect to the test server (is PostgreSQL running?)")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Ok(mut admin) = live::connect(&self.server) else {
            return;
        };
        let _ = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            &[&self.name],
        );
        let _ = admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
        let pattern = format!("{}\\_%", self.prefix.replace('_', "\\_"));
        let roles = admin
            .query(
                "SELECT rolname::text FROM pg_roles WHERE rolname LIKE $1",
                &[&pattern],
            )
            .unwrap_or_default();
        for row in roles {
            let role: String = row.get(0);
            let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS \"{role}\""));
        }
    }
}

/// Runs the binary with `args` in `dir`, with no connection variables inherited.
pub fn run_cli(args: &[&str], dir: &Path) -> Output {
    run_cli_with_env(args, dir, &[])
}

/// Like [`run_cli`], with the given environment variables set.
pub fn run_cli_with_env(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cauldron-audit"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    for (name, _) in std::env::vars() {
        if name.starts_with("PG") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().copied());
    command.output().expect("run cauldron-audit")
}

/// A fresh directory under the temp dir, holding only an empty `cauldron.toml`.
pub fn empty_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "cauldron-audit-test-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    // An empty configuration (all defaults) stops the upward search here, so a stray
    // cauldron.toml in the temporary directory or above cannot change what a test sees.
    std::fs::write(dir.join("cauldron.toml"), "").expect("write empty configuration");
    dir
}

/// Path of a fixture file.
pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `(rule, schema, object)` of every finding in a JSON report, sorted.
pub fn finding_keys(report: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut keys: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            let field = |name: &str| f[name].as_str().unwrap_or_default().to_string();
            (field("rule"), field("schema"), field("object"))
        })
        .collect();
    keys.sort();
    keys
}
