//! `missing-tenant-index`: no valid index leads with the tenant column.

use super::Context;
use crate::model::quote_ident;
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain missing-tenant-index`.
pub(crate) const DOCUMENTATION: &str = r#"# missing-tenant-index (warning)

## What it finds
A tenant table with no valid index whose first key is the tenant column.

## Why it matters
The isolation policy adds `cauldron_id = current_cauldron()` to every query. Without an
index leading with the tenant column, each query reads every cauldron's rows and throws most
away: the cost of a table grows with the number of cauldrons, not with one cauldron's data.

## How to fix
Create an index that starts with the tenant column, ideally followed by the column the table
is most often looked up by. Build it `CONCURRENTLY` on a live table.

## Example
```sql
CREATE TABLE app.stories (id uuid PRIMARY KEY, cauldron_id varchar(50) NOT NULL,
                          member_id uuid);
-- fix:
CREATE INDEX CONCURRENTLY stories_cauldron_member_idx ON app.stories (cauldron_id, member_id);
```
"#;

/// Reports tenant tables without an index leading with the tenant column.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let column = &context.config.tenant.column;
    for table in context.top_tenant_tables() {
        if table
            .indexes
            .iter()
            .any(|index| index.valid && index.leads_with(column))
        {
            continue;
        }
        let message = format!(
            "no valid index of {} leads with tenant column `{column}`",
            table.name
        );
        let concurrently = if table.kind == crate::model::RelationKind::PartitionedTable {
            ""
        } else {
            " CONCURRENTLY"
        };
        let fix = format!(
            "CREATE INDEX{concurrently} ON {} ({});",
            table.name,
            quote_ident(column)
        );
        let help = "create an index whose first column is the tenant column";
        findings.push(
            context
                .finding(Rule::MissingTenantIndex, table, message, help)
                .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::Rule;

    #[test]
    fn fires_without_leading_index() {
        let mut table = isolated_table(1, "stories");
        table.indexes = vec![index("by_id", &["id", "cauldron_id"], false)];
        assert_eq!(run(Rule::MissingTenantIndex, vec![table.clone()]).len(), 1);
        table.indexes = vec![index("invalid", &["cauldron_id"], false)];
        table.indexes[0].valid = false;
        assert_eq!(run(Rule::MissingTenantIndex, vec![table]).len(), 1);
    }

    #[test]
    fn quiet_with_leading_index() {
        assert!(run(Rule::MissingTenantIndex, vec![isolated_table(1, "stories")]).is_empty());
    }
}
