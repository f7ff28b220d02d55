//! `role-bypasses-rls`: a login role that bypasses row-level security holds tenant privileges.

use std::collections::{BTreeMap, HashSet};

use super::Context;
use crate::model::{quote_ident, Relation, Role};
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain role-bypasses-rls`.
pub(crate) const DOCUMENTATION: &str = r#"# role-bypasses-rls (warning)

## What it finds
A role that can log in and is a superuser or has `BYPASSRLS`, and that was granted
privileges on tenant tables (directly or through a role it is a member of), or that is
listed in `application-roles`. Ownership alone is not reported: the migration role usually
owns the tables. One finding per role and schema.

## Why it matters
Superusers and `BYPASSRLS` roles skip every policy, even on tables that force row-level
security. If the application connects as such a role, isolation exists only on paper: one
missing `WHERE` shows every cauldron's rows.

## How to fix
Connect the application as an ordinary role; keep bypassing roles for maintenance, without
grants on tenant tables.

## Example
```sql
CREATE ROLE app LOGIN BYPASSRLS;
GRANT SELECT, INSERT ON app.stories TO app;
-- fix:
ALTER ROLE app NOBYPASSRLS;
```
"#;

/// Reports bypassing login roles with privileges on tenant tables, per schema.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let tenant_tables: Vec<&Relation> = context.tenant_tables().collect();
    for role in context
        .catalog
        .roles
        .iter()
        .filter(|r| r.login && (r.superuser || r.bypass_rls))
    {
        let names = role_and_groups(context, role);
        let application_role = context.config.application_roles.contains(&role.name);
        let mut by_schema: BTreeMap<&str, Vec<&Relation>> = BTreeMap::new();
        for table in &tenant_tables {
            let granted = table
                .privileges
                .iter()
                .any(|p| names.contains(p.grantee.as_str()) && p.grantee != table.owner);
            if granted || application_role {
                by_schema
                    .entry(table.name.schema.as_str())
                    .or_default()
                    .push(table);
            }
        }
        for (schema, tables) in by_schema {
            let what = if role.superuser {
                "is a superuser"
            } else {
                "has BYPASSRLS"
            };
            let message = format!(
                "login role {} {what} and can use {} tenant table(s) in schema {}, e.g. {}",
                quote_ident(&role.name),
                tables.len(),
                quote_ident(schema),
                tables[0].name
            );
            let help = "connect the application as a role without SUPERUSER or BYPASSRLS, and \
                        revoke this role's grants on tenant tables";
            let mut finding =
                Finding::new(Rule::RoleBypassesRls, schema, &role.name, message, help);
            if !role.superuser {
                finding = finding.with_fix(format!(
                    "ALTER ROLE {} NOBYPASSRLS;",
                    quote_ident(&role.name)
                ));
            }
            findings.push(finding);
        }
    }
}

/// The role's own name and every role it belongs to, directly or indirectly.
fn role_and_groups<'a>(context: &Context<'a>, role: &'a Role) -> HashSet<&'a str> {
    let mut names = HashSet::from([role.name.as_str()]);
    let mut pending: Vec<&str> = role.member_of.iter().map(String::as_str).collect();
    while let Some(name) = pending.pop() {
        if names.insert(name) {
            if let Some(group) = context.catalog.role(name) {
                pending.extend(group.member_of.iter().map(String::as_str));
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::config::Config;
    use crate::model::{Catalog, Privilege, Role};
    use crate::Rule;

    fn role(name: &str, bypass_rls: bool, member_of: &[&str]) -> Role {
        Role {
            name: name.into(),
            login: true,
            superuser: false,
            bypass_rls,
            member_of: member_of.iter().map(|m| m.to_string()).collect(),
        }
    }

    fn granted_to(grantee: &str) -> crate::model::Relation {
        let mut table = isolated_table(1, "stories");
        table.privileges.push(Privilege {
            grantee: grantee.into(),
            privilege: "SELECT".into(),
        });
        table
    }

    #[test]
    fn fires_for_bypassing_role_with_grant_through_group() {
        let roles = vec![role("app", true, &["readers"]), role("readers", false, &[])];
        let catalog = Catalog::new(vec![granted_to("readers")], roles, None);
        let findings = run_with(Rule::RoleBypassesRls, catalog, &Config::default());
        assert_eq!(findings.len(), 1);
        assert_eq!(
            (findings[0].schema.as_str(), findings[0].object.as_str()),
            ("app", "app")
        );
    }

    #[test]
    fn fires_for_configured_application_role() {
        let config = Config {
            application_roles: vec!["app".into()],
            ..Config::default()
        };
        let catalog = Catalog::new(
            vec![isolated_table(1, "stories")],
            vec![role("app", true, &[])],
            None,
        );
        assert_eq!(run_with(Rule::RoleBypassesRls, catalog, &config).len(), 1);
    }

    #[test]
    fn quiet_for_ordinary_roles_and_owners() {
        let roles = vec![role("app", false, &[]), role("owner", true, &[])];
        let mut table = granted_to("app");
        table.privileges.push(Privilege {
            grantee: "owner".into(),
            privilege: "SELECT".into(),
        });
        let catalog = Catalog::new(vec![table], roles, None);
        assert!(run_with(Rule::RoleBypassesRls, catalog, &Config::default()).is_empty());
    }
}
