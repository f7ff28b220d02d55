//! `missing-tenant-default`: tenant column without `DEFAULT current_cauldron()`.

use super::Context;
use crate::model::{quote_ident, Column};
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain missing-tenant-default`.
pub(crate) const DOCUMENTATION: &str = r#"# missing-tenant-default (warning)

## What it finds
A tenant column whose default is not a call of the tenant function (`current_cauldron()`),
including columns with no default at all or with a constant such as `'10ksb-pilot'`.

## Why it matters
With the default, an INSERT that does not mention the tenant column files the row under the
current cauldron. Without it, every INSERT must name the cauldron itself: forgetting fails
the NOT NULL constraint at best, and a constant default quietly files every row under one
cauldron.

## How to fix
Set the default to the tenant function. This changes no existing row and takes only a brief
lock.

## Example
```sql
CREATE TABLE app.stories (
    id uuid PRIMARY KEY,
    cauldron_id varchar(50) NOT NULL DEFAULT '10ksb-pilot'
);
-- fix:
ALTER TABLE app.stories ALTER COLUMN cauldron_id SET DEFAULT current_cauldron();
```
"#;

/// Reports tenant columns whose default is not the tenant function.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for table in context.top_tenant_tables() {
        let Some(column) = context.tenant_column(table) else {
            continue;
        };
        if defaults_to_tenant_function(context, column) {
            continue;
        }
        let function = context.tenant_function_sql();
        let message = match &column.default {
            None => format!(
                "tenant column `{}` of {} has no default",
                column.name, table.name
            ),
            Some(_) => format!(
                "tenant column `{}` of {} does not default to {function}",
                column.name, table.name
            ),
        };
        let fix = format!(
            "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {function};",
            table.name,
            quote_ident(&column.name)
        );
        let help = "default the tenant column to the tenant function so inserts land in the \
                    current cauldron";
        findings.push(
            context
                .finding(Rule::MissingTenantDefault, table, message, help)
                .with_fix(fix),
        );
    }
}

fn defaults_to_tenant_function(context: &Context<'_>, column: &Column) -> bool {
    let condition = context.condition();
    let Some(function) = column.default.as_ref().and_then(|d| d.function.as_ref()) else {
        return false;
    };
    function.name == condition.function
        && condition
            .function_schema
            .is_none_or(|schema| schema == function.schema)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::ColumnDefault;
    use crate::Rule;

    #[test]
    fn fires_without_default_or_with_a_constant() {
        let mut bare = isolated_table(1, "stories");
        bare.columns[1].default = None;
        let mut constant = isolated_table(2, "members");
        constant.columns[1].default = Some(ColumnDefault {
            function: None,
            expression: Some("'10ksb-pilot'".into()),
        });
        let findings = run(Rule::MissingTenantDefault, vec![bare, constant]);
        assert_eq!(findings.len(), 2);
        assert!(findings[0].message.ends_with("has no default"));
        assert!(findings[1]
            .message
            .contains("does not default to current_cauldron()"));
    }

    #[test]
    fn fires_on_another_function() {
        let mut table = isolated_table(1, "stories");
        table.columns[1].default = default_calling("public", "current_tenant");
        assert_eq!(run(Rule::MissingTenantDefault, vec![table]).len(), 1);
    }

    #[test]
    fn quiet_with_tenant_default() {
        assert!(run(
            Rule::MissingTenantDefault,
            vec![isolated_table(1, "stories")]
        )
        .is_empty());
    }
}
