//! `nullable-tenant-column`: the tenant column allows NULL.

use super::Context;
use crate::model::quote_ident;
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain nullable-tenant-column`.
pub(crate) const DOCUMENTATION: &str = r#"# nullable-tenant-column (error)

## What it finds
A tenant table whose tenant column is not declared `NOT NULL`.

## Why it matters
A row with a NULL tenant belongs to no cauldron: `cauldron_id = current_cauldron()` is never
true for it, so it silently disappears for everyone, and code that bypasses row-level
security (migrations, reports) treats it as nobody's data.

## How to fix
Backfill the NULL rows with the right cauldron, then declare the column `NOT NULL`.

## Example
```sql
CREATE TABLE app.stories (id uuid PRIMARY KEY, cauldron_id varchar(50));
-- fix:
ALTER TABLE app.stories ALTER COLUMN cauldron_id SET NOT NULL;
```
"#;

/// Reports tenant columns that are not `NOT NULL`.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for table in context.top_tenant_tables() {
        let Some(column) = context.tenant_column(table) else {
            continue;
        };
        if column.not_null {
            continue;
        }
        let message = format!(
            "tenant column `{}` of {} allows NULL",
            column.name, table.name
        );
        let fix = format!(
            "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;",
            table.name,
            quote_ident(&column.name)
        );
        let help = "give every row its cauldron, then declare the tenant column NOT NULL";
        findings.push(
            context
                .finding(Rule::NullableTenantColumn, table, message, help)
                .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::Rule;

    #[test]
    fn fires_when_nullable() {
        let mut table = isolated_table(1, "stories");
        table.columns[1].not_null = false;
        let findings = run(Rule::NullableTenantColumn, vec![table]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("allows NULL"));
    }

    #[test]
    fn quiet_when_not_null() {
        assert!(run(
            Rule::NullableTenantColumn,
            vec![isolated_table(1, "stories")]
        )
        .is_empty());
    }
}
