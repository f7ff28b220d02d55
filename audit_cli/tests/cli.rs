//! The command line: rules, explain, configuration errors, baselines, exit statuses.

mod common;

use common::{empty_dir, finding_keys, run_cli, stderr, stdout, TestDatabase};

#[test]
fn rules_lists_the_catalogue() {
    let output = run_cli(&["rules"], &empty_dir());
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), cauldron_audit::Rule::ALL.len());
    assert!(text
        .lines()
        .any(|l| l.starts_with("rls-not-forced") && l.contains("error")));
}

#[test]
fn explain_prints_documentation_or_suggests() {
    let output = run_cli(&["explain", "per-row-tenant-function"], &empty_dir());
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("## How to fix"));
    let output = run_cli(&["explain", "rls-not-force"], &empty_dir());
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: unknown rule `rls-not-force` (did you mean `rls-not-forced`?)\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let output = run_cli(&["--no-such-flag"], &empty_dir());
    assert_eq!(output.status.code(), Some(2));
    let output = run_cli(&["--statement-timeout", "soon"], &empty_dir());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn configuration_errors_name_the_key() {
    let dir = empty_dir();
    for (text, expected) in [
        ("[tenant]\ncolum = \"x\"\n", "`colum`"),
        ("fail-on = \"fatal\"\n", "fail-on"),
        (
            "[rules]\nrls-disable = \"off\"\n",
            "rules.rls-disable: unknown rule",
        ),
        ("[rules]\nrls-disabled = \"loud\"\n", "rules.rls-disabled"),
    ] {
        std::fs::write(dir.join("cauldron.toml"), text).unwrap();
        // The configuration is read before connecting: no server is needed to fail here.
        let output = run_cli(&["--database-url", "host=127.0.0.1 port=1"], &dir);
        assert_eq!(output.status.code(), Some(2), "{text}");
        let message = stderr(&output);
        assert!(
            message.starts_with("error: invalid configuration "),
            "{message}"
        );
        assert!(message.contains(expected), "{expected} in {message}");
        assert_eq!(message.lines().count(), 1, "{message}");
    }
    let output = run_cli(&["--config", "missing.toml"], &dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: cannot read configuration missing.toml: "));
}

#[test]
fn configuration_is_found_upward() {
    let database = TestDatabase::create_with_sql("CREATE TABLE global_settings (k text);");
    let root = empty_dir();
    let nested = root.join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let url = database.audit_url();
    assert_eq!(
        run_cli(&["--database-url", &url], &nested).status.code(),
        Some(1)
    );
    std::fs::write(
        root.join("cauldron.toml"),
        "shared-tables = [\"global_settings\"]\n",
    )
    .unwrap();
    assert_eq!(
        run_cli(&["--database-url", &url], &nested).status.code(),
        Some(0)
    );
}

#[test]
fn baseline_fails_only_on_new_findings() {
    let database = TestDatabase::create_with_sql("CREATE TABLE legacy (id int);");
    let baseline = empty_dir().join("baseline.json");
    let path = baseline.to_str().unwrap();
    let output = database.audit(&["--write-baseline", path]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let (report, status) = database.audit_json(&["--baseline", path]);
    assert_eq!((status, finding_keys(&report)), (0, vec![]));

    database
        .admin()
        .batch_execute("CREATE TABLE fresh (id int)")
        .unwrap();
    let (report, status) = database.audit_json(&["--baseline", path]);
    assert_eq!(status, 1);
    let expected = vec![(
        "missing-tenant-column".into(),
        "public".into(),
        "fresh".into(),
    )];
    assert_eq!(finding_keys(&report), expected);

    std::fs::write(&baseline, "{\"findings\": 3}").unwrap();
    let output = database.audit(&["--baseline", path]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: invalid baseline"));
}
