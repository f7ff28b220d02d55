//! Snapshots of every report format, and SARIF validated against the official schema.

mod common;

use common::{fixture_path, stdout, TestDatabase};

fn reports_database() -> TestDatabase {
    let sql: String = ["tenant_function.sql", "reports.sql"]
        .iter()
        .map(|n| std::fs::read_to_string(fixture_path(n)).unwrap())
        .collect();
    TestDatabase::create_with_sql(&sql)
}

fn render(database: &TestDatabase, format: &str) -> String {
    let output = database.audit(&["--format", format]);
    assert_eq!(output.status.code(), Some(1), "{}", common::stderr(&output));
    stdout(&output)
}

#[test]
fn text_report() {
    let database = reports_database();
    insta::assert_snapshot!("text", render(&database, "text"));
}

#[test]
fn json_report() {
    let database = reports_database();
    insta::assert_snapshot!("json", render(&database, "json"));
}

#[test]
fn sarif_report() {
    let database = reports_database();
    insta::assert_snapshot!("sarif", render(&database, "sarif"));
}

#[test]
fn github_report() {
    let database = reports_database();
    insta::assert_snapshot!("github", render(&database, "github"));
}

fn sarif_validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/schemas/sarif-2.1.0-rtm.5.json"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let validator = sarif_validator();
    let database = reports_database();
    let clean = TestDatabase::create_with_sql("");
    for text in [
        render(&database, "sarif"),
        stdout(&clean.audit(&["--format", "sarif"])),
    ] {
        let instance: serde_json::Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let rules = &instance["runs"][0]["tool"]["driver"]["rules"];
        assert!(rules
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["help"]["text"].is_string()));
    }
}

#[test]
fn clean_database_reports_empty_in_every_format() {
    let database = TestDatabase::create_with_sql("");
    let json = stdout(&database.audit(&["--format", "json"]));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).unwrap(),
        serde_json::json!({ "findings": [], "summary": { "error": 0, "warning": 0, "info": 0 } })
    );
    assert_eq!(stdout(&database.audit(&["--format", "github"])), "");
    assert_eq!(
        stdout(&database.audit(&[])),
        "0 errors, 0 warnings, 0 info: passed\n"
    );
}
