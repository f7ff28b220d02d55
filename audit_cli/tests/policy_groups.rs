//! Policies are deparsed once per group of identical trees: the grouping must never hand a
//! policy the clauses of another that deparses differently.

mod common;

use cauldron_audit::live::{self, ConnectionSettings, LoadOptions};
use common::{finding_keys, fixture_path, TestDatabase};

fn database() -> TestDatabase {
    let sql: String = ["tenant_function.sql", "policy_groups.sql"]
        .iter()
        .map(|name| std::fs::read_to_string(fixture_path(name)).unwrap())
        .collect();
    TestDatabase::create_with_sql(&sql)
}

#[test]
fn every_policy_gets_the_clauses_the_server_deparses_for_it() {
    let database = database();
    let settings = ConnectionSettings::resolve(Some(&database.audit_url()), |_| None).unwrap();
    let mut client = live::connect(&settings).unwrap();
    let (catalog, _) = live::load(&mut client, &LoadOptions::default()).unwrap();

    let mut admin = database.admin();
    admin.batch_execute("SET search_path = pg_catalog").unwrap();
    let expected = admin
        .query(
            "SELECT c.relname::text, pg_get_expr(p.polqual, p.polrelid),
                    pg_get_expr(p.polwithcheck, p.polrelid)
             FROM pg_policy AS p JOIN pg_class AS c ON c.oid = p.polrelid
             ORDER BY 1",
            &[],
        )
        .unwrap();
    assert_eq!(expected.len(), 9);
    for row in expected {
        let table: String = row.get(0);
        let relation = catalog.find("app", &table).expect("table loaded");
        let [policy] = relation.policies.as_slice() else {
            panic!("{table}: {:?}", relation.policies);
        };
        assert_eq!(policy.using, row.get::<_, Option<String>>(1), "{table}");
        assert_eq!(
            policy.with_check,
            row.get::<_, Option<String>>(2),
            "{table}"
        );
    }
    let using = |table: &str| {
        catalog.find("app", table).unwrap().policies[0]
            .using
            .clone()
    };
    assert!(using("row_check_b").unwrap().contains("row_check_b"));
    assert!(using("outer_b").unwrap().contains("outer_b.id"));
    assert!(using("alias_clash").unwrap().contains("alias_clash_1.id"));
    assert!(!using("alias_fine").unwrap().contains("alias_clash_1"));
}

#[test]
fn a_column_at_the_tenant_column_number_is_not_isolation() {
    let database = database();
    let (report, _) = database.audit_json(&[]);
    let mut found: Vec<(String, String)> = finding_keys(&report)
        .into_iter()
        .map(|(rule, _, object)| (object, rule))
        .collect();
    found.sort();
    let mut expected = Vec::new();
    // The whole-row term is not a tenant condition the rules recognise; what matters is that
    // both tables are judged on their own text.
    for table in ["owner_second", "row_check_a", "row_check_b"] {
        for rule in [
            "missing-isolation-policy",
            "permissive-policy-bypass",
            "write-policy-without-tenant-check",
        ] {
            expected.push((table.to_string(), rule.to_string()));
        }
    }
    assert_eq!(found, expected, "{report:#}");
}
