//! `rls-not-forced`: row-level security is not forced, so the owner bypasses it.

use super::Context;
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain rls-not-forced`.
pub(crate) const DOCUMENTATION: &str = r#"# rls-not-forced (error)

## What it finds
A tenant table with row-level security enabled but not forced.

## Why it matters
PostgreSQL does not apply policies to a table's owner unless the table forces row-level
security. Applications often connect as the role that ran the migrations, which owns the
tables: for them the policies do not exist.

## How to fix
Force row-level security. Roles that must see every cauldron (backups, maintenance) should
be granted `BYPASSRLS` explicitly instead of relying on ownership.

## Example
```sql
ALTER TABLE app.stories ENABLE ROW LEVEL SECURITY;
-- fix:
ALTER TABLE app.stories FORCE ROW LEVEL SECURITY;
```
"#;

/// Reports tenant tables whose row-level security does not bind the owner.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for table in context.securable_tenant_tables() {
        if !table.row_security || table.force_row_security {
            continue;
        }
        let message = format!(
            "row-level security is not forced on {}, so its owner bypasses the policies",
            table.name
        );
        let fix = format!("ALTER TABLE {} FORCE ROW LEVEL SECURITY;", table.name);
        let help = "force row-level security so the table owner is held to the policies too";
        findings.push(
            context
                .finding(Rule::RlsNotForced, table, message, help)
                .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::Rule;

    #[test]
    fn fires_when_not_forced() {
        let mut table = isolated_table(1, "stories");
        table.force_row_security = false;
        let findings = run(Rule::RlsNotForced, vec![table]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("so its owner bypasses"));
    }

    #[test]
    fn quiet_when_forced_or_disabled() {
        assert!(run(Rule::RlsNotForced, vec![isolated_table(1, "stories")]).is_empty());
        let mut disabled = isolated_table(1, "stories");
        disabled.row_security = false;
        disabled.force_row_security = false;
        assert!(run(Rule::RlsNotForced, vec![disabled]).is_empty());
    }
}
