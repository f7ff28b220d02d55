//! `tenant-column-type-mismatch`: the tenant column's type differs from the configured one.

use super::Context;
use crate::model::quote_ident;
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain tenant-column-type-mismatch`.
pub(crate) const DOCUMENTATION: &str = r#"# tenant-column-type-mismatch (error)

## What it finds
A tenant column whose type is not the configured tenant type (`varchar(50)` by default,
`[tenant] type` in `cauldron.toml`).

## Why it matters
Comparisons between different types need casts: `text` or wider `varchar` columns accept ids
the registry would reject, integer columns cannot hold them at all, and a cast on the column
side keeps indexes on it from being used, so every query scans the table.

## How to fix
Change the column to the configured type (a table rewrite when the type is not binary
compatible: plan it for a quiet moment).

## Example
```sql
CREATE TABLE app.stories (id uuid PRIMARY KEY, cauldron_id text NOT NULL);
-- fix:
ALTER TABLE app.stories ALTER COLUMN cauldron_id TYPE varchar(50);
```
"#;

/// Reports tenant columns of the wrong type.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let expected = &context.config.tenant.column_type;
    for table in context.top_tenant_tables() {
        let Some(column) = context.tenant_column(table) else {
            continue;
        };
        if context.has_tenant_type(column) {
            continue;
        }
        let message = format!(
            "tenant column `{}` of {} has type {} instead of {expected}",
            column.name, table.name, column.type_name
        );
        let fix = format!(
            "ALTER TABLE {} ALTER COLUMN {} TYPE {expected};",
            table.name,
            quote_ident(&column.name)
        );
        let help = "change the tenant column to the configured tenant type";
        findings.push(
            context
                .finding(Rule::TenantColumnTypeMismatch, table, message, help)
                .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::Rule;

    #[test]
    fn fires_on_other_type() {
        let mut table = isolated_table(1, "stories");
        table.columns[1].type_name = "text".into();
        let findings = run(Rule::TenantColumnTypeMismatch, vec![table]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .contains("has type text instead of varchar(50)"));
    }

    #[test]
    fn quiet_on_configured_type() {
        assert!(run(Rule::TenantColumnTypeMismatch, vec![isolated_table(1, "s")]).is_empty());
    }
}
