//! Every rule against a real server: planted defects are found, and nothing else.

mod common;

use cauldron_audit::live::{self, ConnectionSettings, LoadOptions};
use common::{finding_keys, fixture_path, TestDatabase};

fn fixture(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| std::fs::read_to_string(fixture_path(n)).unwrap())
        .collect()
}

fn write_config(text: &str) -> std::path::PathBuf {
    let dir = common::empty_dir();
    let path = dir.join("cauldron.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn finds_every_planted_defect_and_nothing_else() {
    let database = TestDatabase::create_with_sql(&fixture(&["tenant_function.sql", "defects.sql"]));
    let config = write_config("shared-tables = [\"app.countries\"]\n");
    let (report, status) = database.audit_json(&["--config", config.to_str().unwrap()]);
    assert_eq!(status, 1, "{report:#}");
    let bypass = format!("{}_bypass", database.prefix);
    let key = |rule: &str, schema: &str, object: &str| {
        (rule.to_string(), schema.to_string(), object.to_string())
    };
    let mut expected = vec![
        key(
            "missing-isolation-policy",
            "Billing Dept",
            "Kundenübersicht_ü",
        ),
        key("missing-tenant-column", "Billing Dept", "Invoices.v2"),
        key(
            "missing-tenant-column",
            "Billing Dept",
            "a_table_name_that_is_exactly_sixty_three_bytes_long_abcdefghijk",
        ),
        key("missing-tenant-index", "Billing Dept", "Kundenübersicht_ü"),
        key("rls-disabled", "Billing Dept", "Kundenübersicht_ü"),
        key(
            "unscoped-unique-constraint",
            "Billing Dept",
            "Kundenübersicht_ü",
        ),
        key("partition-without-isolation", "app", "Events 2025"),
        key("missing-tenant-column", "app", "audit_log"),
        key("missing-isolation-policy", "app", "child_items"),
        key("rls-disabled", "app", "child_items"),
        key("missing-isolation-policy", "app", "comments"),
        key("missing-tenant-default", "app", "comments"),
        key("missing-tenant-index", "app", "comments"),
        key("nullable-tenant-column", "app", "comments"),
        key("rls-disabled", "app", "comments"),
        key("tenant-column-type-mismatch", "app", "comments"),
        key("unscoped-unique-constraint", "app", "members"),
        key("role-bypasses-rls", "app", &bypass),
        key("truncate-privilege", "app", "notes"),
        key("write-policy-without-tenant-check", "app", "notes"),
        key("per-row-tenant-function", "app", "stories"),
        key("permissive-policy-bypass", "app", "stories"),
        key("rls-not-forced", "app", "stories"),
        key("unindexed-tenant-foreign-key", "app", "stories"),
        key("unscoped-foreign-key", "app", "stories"),
        key("view-bypasses-rls", "reporting", "member_report"),
        key("view-bypasses-rls", "reporting", "story_counts"),
    ];
    expected.sort();
    assert_eq!(finding_keys(&report), expected, "{report:#}");
    assert_eq!(report["summary"]["warning"], 7);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f.get("location").is_none()));
}

#[test]
fn configuration_shapes_the_audit() {
    let database = TestDatabase::create_with_sql(&fixture(&["tenant_function.sql", "defects.sql"]));
    let config = write_config(
        r#"
fail-on = "error"
shared-tables = ['app.countries', '"Billing Dept"."Invoices.v2"']

[schemas]
exclude = ["reporting"]

[rules]
missing-tenant-column = "off"
rls-disabled = "off"
missing-isolation-policy = "off"
partition-without-isolation = "off"
nullable-tenant-column = "warning"
tenant-column-type-mismatch = "warning"
unscoped-foreign-key = "warning"
unscoped-unique-constraint = "warning"
rls-not-forced = "warning"
write-policy-without-tenant-check = "warning"
permissive-policy-bypass = "warning"
"#,
    );
    let (report, status) = database.audit_json(&["--config", config.to_str().unwrap()]);
    assert_eq!(report["summary"]["error"], 0, "{report:#}");
    assert_eq!(status, 0, "{report:#}");
    let keys = finding_keys(&report);
    assert!(keys
        .iter()
        .all(|(rule, schema, _)| rule != "rls-disabled" && schema != "reporting"));
    let (_, status) =
        database.audit_json(&["--config", config.to_str().unwrap(), "--fail-on", "warning"]);
    assert_eq!(status, 1);
}

#[test]
fn the_adr_schema_made_safe_with_plain_sql_audits_clean() {
    let database =
        TestDatabase::create_with_sql(&fixture(&["tenant_function.sql", "adr_isolated.sql"]));
    let config = write_config("shared-tables = [\"countries\"]\n");
    let output = database.audit(&["--config", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stdout(&output));
    assert_eq!(
        common::stdout(&output),
        "0 errors, 0 warnings, 0 info: passed\n"
    );
}

#[test]
fn reads_the_catalog_in_a_constant_number_of_queries() {
    let small =
        TestDatabase::create_with_sql(&fixture(&["tenant_function.sql", "adr_isolated.sql"]));
    let large = TestDatabase::create_with_sql(&fixture(&["tenant_function.sql", "defects.sql"]));
    let queries = |database: &TestDatabase| {
        let output = database.audit(&["--verbose", "--format", "json"]);
        let stderr = common::stderr(&output);
        let line = stderr
            .lines()
            .find(|l| l.starts_with("read "))
            .expect("verbose line");
        line.split(" in ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(queries(&small), queries(&large));
}

#[test]
fn columns_keep_the_order_of_their_table() {
    let database =
        TestDatabase::create_with_sql(&fixture(&["tenant_function.sql", "adr_isolated.sql"]));
    let settings = ConnectionSettings::resolve(Some(&database.audit_url()), |_| None).unwrap();
    let mut client = live::connect(&settings).unwrap();
    let (catalog, _) = live::load(&mut client, &LoadOptions::default()).unwrap();
    let members = catalog.find("public", "members").expect("members loaded");
    let names: Vec<&str> = members.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "cauldron_id", "name", "country_code"]);
}

#[test]
fn the_fixes_it_proposes_make_the_adr_schema_audit_clean() {
    // The schema before multi-tenancy: no tenant column at all. Each round applies every fix
    // of the report, as the superuser, in report order; a fix that fails to run, or a finding
    // without a fix, stops the test. Some findings only appear once an earlier fix landed
    // (a table is not a tenant table until it has the tenant column), hence the rounds.
    let database =
        TestDatabase::create_with_sql(&fixture(&["tenant_function.sql", "adr_plain.sql"]));
    let config = write_config("shared-tables = [\"countries\"]\n");
    let config = config.to_str().unwrap();
    let mut admin = database.admin();
    let mut rounds = Vec::new();
    loop {
        let (report, status) = database.audit_json(&["--config", config, "--fail-on", "info"]);
        if status == 0 {
            break;
        }
        assert!(
            rounds.len() < 3,
            "not clean after {} rounds: {report:#}",
            rounds.len()
        );
        let mut rules = Vec::new();
        for finding in report["findings"].as_array().unwrap() {
            let fix = finding["fix"]
                .as_str()
                .unwrap_or_else(|| panic!("a finding without a fix: {finding:#}"));
            admin
                .batch_execute(fix)
                .unwrap_or_else(|e| panic!("the fix of {finding:#} fails: {e:?}"));
            rules.push(finding["rule"].as_str().unwrap().to_string());
        }
        rounds.push(rules);
    }
    assert!(
        rounds.len() >= 2,
        "the tenant tables' own findings came later: {rounds:?}"
    );
    assert_eq!(rounds[0].len(), 2, "{rounds:?}");
    assert!(rounds[0].iter().all(|rule| rule == "missing-tenant-column"));
}

#[test]
fn a_policy_nested_thousands_of_levels_deep_is_reported_not_a_crash() {
    // Any table owner can store such a policy; reading it recursively would overflow the
    // auditor's stack and abort the audit.
    let nots = "NOT ".repeat(5000);
    let database = TestDatabase::create_with_sql(&format!(
        "{}
         CREATE TABLE deep (id int, cauldron_id varchar(50) NOT NULL DEFAULT current_cauldron());
         CREATE INDEX ON deep (cauldron_id);
         ALTER TABLE deep ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
         CREATE POLICY deep ON deep USING (cauldron_id = (SELECT current_cauldron()) AND {nots} false);",
        fixture(&["tenant_function.sql"])
    ));
    let (report, status) = database.audit_json(&[]);
    assert_eq!(status, 1, "{report:#}");
    let rules: Vec<String> = finding_keys(&report)
        .into_iter()
        .map(|(rule, _, _)| rule)
        .collect();
    assert!(
        rules.contains(&"missing-isolation-policy".to_string()),
        "{rules:?}"
    );
}
