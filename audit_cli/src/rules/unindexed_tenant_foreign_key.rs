//! `unindexed-tenant-foreign-key`: a foreign key with no index on (tenant column, FK columns).

use super::Context;
use crate::model::{quote_ident, ForeignKey, Index};
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain unindexed-tenant-foreign-key`.
pub(crate) const DOCUMENTATION: &str = r#"# unindexed-tenant-foreign-key (warning)

## What it finds
A foreign key on a tenant table with no valid, non-partial index whose keys start with the
tenant column followed by the foreign key's columns (in any order).

## Why it matters
Deleting or updating a referenced row makes PostgreSQL look for referencing rows; joins from
parent to child do the same. Without the index, both scan the child table across all
cauldrons. Starting the index with the tenant column matches the isolation policy, which
adds the tenant condition to every lookup.

## How to fix
Create an index on (tenant column, foreign key columns).

## Example
```sql
CREATE TABLE app.stories (id uuid PRIMARY KEY, cauldron_id varchar(50) NOT NULL,
                          member_id uuid REFERENCES app.members (id));
-- fix:
CREATE INDEX CONCURRENTLY ON app.stories (cauldron_id, member_id);
```
"#;

/// Reports foreign keys of tenant tables without a covering tenant-led index.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let tenant = &context.config.tenant.column;
    for table in context.top_tenant_tables() {
        for key in &table.foreign_keys {
            if table.indexes.iter().any(|index| covers(index, tenant, key)) {
                continue;
            }
            let mut columns = vec![tenant.clone()];
            columns.extend(key.columns.iter().filter(|c| *c != tenant).cloned());
            let column_list: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
            let message = format!(
                "foreign key {} of {} has no index on ({})",
                quote_ident(&key.name),
                table.name,
                column_list.join(", ")
            );
            let fix = format!(
                "CREATE INDEX ON {} ({});",
                table.name,
                column_list.join(", ")
            );
            let help = "create an index on the tenant column followed by the foreign key columns";
            findings.push(
                context
                    .finding(Rule::UnindexedTenantForeignKey, table, message, help)
                    .with_fix(fix),
            );
        }
    }
}

/// Whether `index` starts with the tenant column followed by the key's other columns.
fn covers(index: &Index, tenant: &str, key: &ForeignKey) -> bool {
    if !index.valid || index.partial || !index.leads_with(tenant) {
        return false;
    }
    let mut wanted: Vec<&str> = key
        .columns
        .iter()
        .map(String::as_str)
        .filter(|c| *c != tenant)
        .collect();
    let following: Vec<&str> = index.key_columns().skip(1).take(wanted.len()).collect();
    if index.keys.len() < wanted.len() + 1 || following.len() != wanted.len() {
        return false;
    }
    let mut following = following;
    wanted.sort_unstable();
    following.sort_unstable();
    wanted == following
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::{ForeignKey, RelationId};
    use crate::Rule;

    fn with_key(index_columns: &[&str]) -> crate::model::Relation {
        let mut stories = isolated_table(2, "stories");
        stories.columns.push(column("member_id", "uuid"));
        stories.foreign_keys.push(ForeignKey {
            name: "stories_member_id_fkey".into(),
            columns: vec!["member_id".into()],
            referenced: RelationId(1),
            referenced_columns: vec!["id".into()],
        });
        stories.indexes = vec![index("i", index_columns, false)];
        stories
    }

    #[test]
    fn fires_without_covering_index() {
        let findings = run(
            Rule::UnindexedTenantForeignKey,
            vec![with_key(&["member_id"])],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].fix.as_deref(),
            Some("CREATE INDEX ON app.stories (cauldron_id, member_id);")
        );
        let mut partial = with_key(&["cauldron_id", "member_id"]);
        partial.indexes[0].partial = true;
        assert_eq!(run(Rule::UnindexedTenantForeignKey, vec![partial]).len(), 1);
    }

    #[test]
    fn quiet_with_covering_index() {
        let table = with_key(&["cauldron_id", "member_id", "created_at"]);
        assert!(run(Rule::UnindexedTenantForeignKey, vec![table]).is_empty());
    }
}
