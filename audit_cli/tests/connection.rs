//! Connecting: every way to name the server, TLS, and every way it can fail. A failure is
//! one line on stderr and exit status 2, never a panic.

mod common;

use std::net::TcpListener;
use std::process::Output;
use std::thread;

use common::{empty_dir, run_cli, run_cli_with_env, server_settings, stderr, TestDatabase};

/// Asserts exit status 2 with a single `error: ...` line containing `expected`.
fn assert_connection_error(output: &Output, expected: &str) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(2), "stderr: {text}");
    assert!(output.stdout.is_empty(), "no report on failure");
    assert_eq!(text.lines().count(), 1, "one line: {text}");
    assert!(text.starts_with("error: "), "{text}");
    assert!(text.contains(expected), "expected {expected:?} in {text}");
    assert!(!text.contains("panicked"), "{text}");
}

fn audit(url: &str) -> Output {
    run_cli(&["--database-url", url], &empty_dir())
}

fn host_and_port() -> (String, String) {
    let settings = server_settings();
    (
        settings.get("host").unwrap_or("127.0.0.1").to_string(),
        settings.get("port").unwrap_or("5432").to_string(),
    )
}

#[test]
fn refused_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let output = audit(&format!("postgresql://postgres@127.0.0.1:{port}/postgres"));
    assert_connection_error(
        &output,
        &format!("cannot connect to 127.0.0.1:{port}/postgres"),
    );
}

#[test]
fn unknown_host() {
    let output = audit("postgresql://postgres@no-such-host.invalid/postgres?connect_timeout=5");
    assert_connection_error(&output, "cannot connect to no-such-host.invalid");
}

#[test]
fn unknown_role_and_missing_database() {
    let database = TestDatabase::create_with_sql("");
    let mut settings = server_settings();
    settings.set("dbname", &database.name);
    settings.set("user", &format!("{}_nobody", database.prefix));
    assert_connection_error(&audit(&settings.to_keyword_string()), "does not exist");
    settings.set("user", &database.auditor);
    settings.set("dbname", &format!("{}_missing", database.prefix));
    let output = audit(&settings.to_keyword_string());
    assert_connection_error(
        &output,
        &format!("database \"{}_missing\" does not exist", database.prefix),
    );
}

#[test]
fn login_refused_by_the_server() {
    // The server refuses the role at authentication (SQLSTATE 28000), as it would a wrong
    // password: the audit must say so in one line, not report an empty database.
    let database =
        TestDatabase::create_with_sql(&format!("CREATE ROLE {}_nologin NOLOGIN;", "@PREFIX@"));
    let mut settings = server_settings();
    settings.set("dbname", &database.name);
    settings.set("user", &format!("{}_nologin", database.prefix));
    assert_connection_error(
        &audit(&settings.to_keyword_string()),
        "is not permitted to log in",
    );
}

#[test]
fn server_that_never_answers_hits_the_connect_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept() {
            held.push(stream);
        }
    });
    let output = run_cli(
        &[
            "--database-url",
            &format!("host=127.0.0.1 port={port} user=x"),
            "--connect-timeout",
            "1",
        ],
        &empty_dir(),
    );
    assert_connection_error(&output, "no answer within 1 s (connect timeout");
}

#[test]
fn servers_of_other_protocols_are_refused_cleanly() {
    // Redis and MariaDB listen on their default ports on the development machine; where they
    // do not, the connection is refused, which must fail the same way.
    for port in [6379, 3306] {
        let output = audit(&format!(
            "postgresql://postgres@127.0.0.1:{port}/postgres?connect_timeout=3"
        ));
        assert_connection_error(
            &output,
            &format!("cannot connect to 127.0.0.1:{port}/postgres"),
        );
    }
}

#[test]
fn statement_timeout_stops_a_blocked_catalog_query() {
    let database = TestDatabase::create_with_sql("CREATE TABLE t (id int);");
    let mut admin = database.admin();
    let mut lock = admin.transaction().unwrap();
    lock.batch_execute("LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let output = database.audit(&["--statement-timeout", "300ms"]);
    lock.rollback().unwrap();
    assert_connection_error(
        &output,
        "catalog query policies.sql exceeded the statement timeout",
    );
}

#[test]
fn invalid_settings_are_usage_errors() {
    assert_connection_error(
        &audit("postgresql://h/d?sslmode=sometimes"),
        "invalid sslmode",
    );
    assert_connection_error(
        &audit("host=h bogus=1"),
        "unsupported connection option \"bogus\"",
    );
}

#[test]
fn libpq_environment_and_database_url_name_the_server() {
    let database = TestDatabase::create_with_sql("");
    let (host, port) = host_and_port();
    let env = [
        ("PGHOST", host.as_str()),
        ("PGPORT", port.as_str()),
        ("PGUSER", database.auditor.as_str()),
        ("PGDATABASE", database.name.as_str()),
        ("PGSSLMODE", "disable"),
    ];
    let output = run_cli_with_env(&[], &empty_dir(), &env);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let url = database.audit_url();
    let output = run_cli_with_env(&[], &empty_dir(), &[("DATABASE_URL", url.as_str())]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// Whether the test server accepts TLS. Under `scripts/test.sh`, which sets
/// `CAULDRON_REQUIRE_TLS`, a server without TLS fails the TLS tests instead of skipping them.
fn server_has_tls(database: &TestDatabase) -> bool {
    let ssl: String = database.admin().query_one("SHOW ssl", &[]).unwrap().get(0);
    if ssl != "on" {
        assert!(
            std::env::var_os("CAULDRON_REQUIRE_TLS").is_none(),
            "the test server does not have ssl = on"
        );
        println!("skipped: the test server does not have ssl = on");
    }
    ssl == "on"
}

/// Whether `certificate` names `host`, as `openssl x509 -checkhost` judges it.
fn certificate_names(certificate: &str, host: &str) -> bool {
    std::process::Command::new("openssl")
        .args(["x509", "-noout", "-in", certificate, "-checkhost", host])
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains("does match"))
}

#[test]
fn tls_require_encrypts_without_verifying() {
    let database = TestDatabase::create_with_sql("");
    if !server_has_tls(&database) {
        return;
    }
    let url = format!("{} sslmode=require", database.audit_url());
    let output = run_cli(&["--database-url", &url], &empty_dir());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let settings = cauldron_audit::live::ConnectionSettings::parse(&url).unwrap();
    let mut client = cauldron_audit::live::connect(&settings).unwrap();
    let row = client.query_one(
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        &[],
    );
    assert!(
        row.unwrap().get::<_, bool>(0),
        "the connection is encrypted"
    );
}

#[test]
fn tls_verify_full_rejects_an_unverifiable_certificate() {
    let database = TestDatabase::create_with_sql("");
    if !server_has_tls(&database) {
        return;
    }
    let url = format!("{} sslmode=verify-full", database.audit_url());
    let output = run_cli(&["--database-url", &url], &empty_dir());
    assert_connection_error(&output, "TLS");
    let snakeoil = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    if std::path::Path::new(snakeoil).exists() {
        // Trusting the self-signed certificate fixes the chain, not the host name: the
        // certificate names the machine, not 127.0.0.1.
        let url = format!(
            "{} sslmode=verify-full sslrootcert={snakeoil}",
            database.audit_url()
        );
        let output = run_cli(&["--database-url", &url], &empty_dir());
        assert_connection_error(&output, "certificate verify failed");
        let url = format!(
            "{} sslmode=verify-ca sslrootcert={snakeoil}",
            database.audit_url()
        );
        let output = run_cli(&["--database-url", &url], &empty_dir());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
}

#[test]
fn tls_verify_full_accepts_a_certificate_that_names_the_host() {
    let database = TestDatabase::create_with_sql("");
    if !server_has_tls(&database) {
        return;
    }
    let certificate: String = database
        .admin()
        .query_one("SHOW ssl_cert_file", &[])
        .unwrap()
        .get(0);
    if !certificate_names(&certificate, "localhost") {
        println!("skipped: the server's certificate {certificate} does not name localhost");
        return;
    }
    // The host name is what the certificate is checked against; the address is where the
    // connection goes, as with libpq's host and hostaddr.
    let (_, port) = host_and_port();
    let url = format!(
        "{} host=localhost hostaddr=127.0.0.1 port={port} sslmode=verify-full \
         sslrootcert={certificate}",
        database.audit_url()
    );
    let output = run_cli(&["--database-url", &url], &empty_dir());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}
