//! `truncate-privilege`: a role other than the owner may TRUNCATE a tenant table.

use std::collections::BTreeSet;

use super::Context;
use crate::model::{quote_ident, PUBLIC_GRANTEE};
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain truncate-privilege`.
pub(crate) const DOCUMENTATION: &str = r#"# truncate-privilege (warning)

## What it finds
A tenant table on which a role other than its owner (or `PUBLIC`) holds the TRUNCATE
privilege.

## Why it matters
TRUNCATE is not subject to row-level security: it empties the table for every cauldron at
once. An application role that may truncate can wipe out all cauldrons' data with one
statement, whatever the policies say.

## How to fix
Revoke TRUNCATE; delete one cauldron's rows with `DELETE`, which the policies filter.

## Example
```sql
GRANT ALL ON app.stories TO app;
-- fix:
REVOKE TRUNCATE ON app.stories FROM app;
```
"#;

/// Reports tenant tables that non-owners may truncate.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for table in context.tenant_tables() {
        let grantees: BTreeSet<&str> = table
            .privileges
            .iter()
            .filter(|p| p.privilege == "TRUNCATE" && p.grantee != table.owner)
            .map(|p| p.grantee.as_str())
            .collect();
        if grantees.is_empty() {
            continue;
        }
        let quoted: Vec<String> = grantees
            .iter()
            .map(|g| {
                if *g == PUBLIC_GRANTEE {
                    g.to_string()
                } else {
                    quote_ident(g)
                }
            })
            .collect();
        let message = format!(
            "{} may TRUNCATE tenant table {}, which empties it for every cauldron",
            quoted.join(", "),
            table.name
        );
        let fix = format!(
            "REVOKE TRUNCATE ON {} FROM {};",
            table.name,
            quoted.join(", ")
        );
        let help = "revoke TRUNCATE from roles other than the owner; delete rows with DELETE";
        findings.push(
            context
                .finding(Rule::TruncatePrivilege, table, message, help)
                .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::Privilege;
    use crate::Rule;

    fn grant(grantee: &str, privilege: &str) -> Privilege {
        Privilege {
            grantee: grantee.into(),
            privilege: privilege.into(),
        }
    }

    #[test]
    fn fires_for_non_owner_truncate() {
        let mut table = isolated_table(1, "stories");
        table.privileges = vec![grant("app", "TRUNCATE"), grant("PUBLIC", "TRUNCATE")];
        let findings = run(Rule::TruncatePrivilege, vec![table]);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].fix.as_deref(),
            Some("REVOKE TRUNCATE ON app.stories FROM PUBLIC, app;")
        );
    }

    #[test]
    fn quiet_for_owner_and_other_privileges() {
        let mut table = isolated_table(1, "stories");
        table.privileges = vec![grant("owner", "TRUNCATE"), grant("app", "SELECT")];
        assert!(run(Rule::TruncatePrivilege, vec![table]).is_empty());
    }
}
