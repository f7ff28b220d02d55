//! Two independent judges of the same tables must agree: the extension's `cauldron.status()`
//! (SQL over the catalog, comparing the server's own deparse) and cauldron-audit's rules
//! (its own reading of the policy expressions). Each table is broken in one way, or not at
//! all; wherever one says a table is isolated and the other does not, one of them is wrong.

use cauldron_audit::config::Config;
use cauldron_audit::live::{self, LoadOptions};
use cauldron_audit::{Rule, Severity};
use cauldron_tests::TestDatabase;
use std::collections::BTreeMap;

/// Each table, and the statements that bring it into the state it is named after. Every
/// table starts with the tenant column, NOT NULL with the extension's default.
const TABLES: [(&str, &str); 9] = [
    ("isolated", ""),
    (
        "rls_disabled",
        "ALTER TABLE rls_disabled DISABLE ROW LEVEL SECURITY;",
    ),
    (
        "not_forced",
        "ALTER TABLE not_forced NO FORCE ROW LEVEL SECURITY;",
    ),
    (
        "altered_policy",
        "ALTER POLICY cauldron_isolation ON altered_policy USING (true);",
    ),
    (
        "ored_policy",
        "ALTER POLICY cauldron_isolation ON ored_policy
             USING (cauldron_id = (SELECT current_cauldron()) OR id > 0);",
    ),
    (
        "bypassing_policy",
        "CREATE POLICY everyone ON bypassing_policy FOR SELECT USING (true);",
    ),
    (
        "narrowed",
        "CREATE POLICY positive ON narrowed AS RESTRICTIVE USING (id > 0);
         CREATE POLICY own_small ON narrowed FOR SELECT
             USING (cauldron_id = (SELECT current_cauldron()) AND id < 100);",
    ),
    (
        "nullable",
        "ALTER TABLE nullable ALTER COLUMN cauldron_id DROP NOT NULL;",
    ),
    ("released", "SELECT * FROM cauldron.release('released');"),
];

/// The rules whose findings mean that rows of one cauldron can reach another.
const ISOLATION_RULES: [Rule; 6] = [
    Rule::RlsDisabled,
    Rule::RlsNotForced,
    Rule::MissingIsolationPolicy,
    Rule::PermissivePolicyBypass,
    Rule::WritePolicyWithoutTenantCheck,
    Rule::NullableTenantColumn,
];

#[test]
fn status_and_the_auditor_agree_on_which_tables_are_isolated() {
    let mut database = TestDatabase::with_extension();
    let auditor = database.create_role("auditor");
    let mut superuser = database.superuser();
    superuser.batch_execute("SET cauldron.guard = off").unwrap();
    for (table, breaking) in TABLES {
        superuser
            .batch_execute(&format!(
                "CREATE TABLE {table} (id int PRIMARY KEY,
                     cauldron_id varchar(50) NOT NULL DEFAULT current_cauldron());
                 CREATE INDEX ON {table} (cauldron_id, id);
                 SELECT * FROM cauldron.isolate('{table}');
                 {breaking}"
            ))
            .unwrap();
    }

    let status: BTreeMap<String, bool> = superuser
        .query(
            "SELECT table_name::text,
                    tenant_not_null AND rls_enabled AND rls_forced
                    AND isolation_policy = 'correct' AND cardinality(bypassing_policies) = 0
               FROM cauldron.status()",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();

    let mut client = database.connect_as(&auditor);
    let (catalog, _) = live::load(&mut client, &LoadOptions::default()).unwrap();
    let findings = cauldron_audit::audit(&catalog, &Config::default());
    let audit: BTreeMap<String, bool> = TABLES
        .iter()
        .map(|(table, _)| {
            let leaks = findings.iter().any(|finding| {
                finding.object == *table
                    && finding.severity == Severity::Error
                    && ISOLATION_RULES.contains(&finding.rule)
            });
            (table.to_string(), !leaks)
        })
        .collect();

    assert_eq!(
        status, audit,
        "status() against the auditor; findings: {findings:#?}"
    );
    let isolated: Vec<&str> = status
        .iter()
        .filter(|(_, isolated)| **isolated)
        .map(|(table, _)| table.as_str())
        .collect();
    assert_eq!(isolated, ["isolated", "narrowed"]);
}
