//! `unscoped-foreign-key`: a foreign key between tenant tables without the tenant column.

use super::Context;
use crate::model::{quote_ident, ForeignKey, Relation};
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain unscoped-foreign-key`.
pub(crate) const DOCUMENTATION: &str = r#"# unscoped-foreign-key (error)

## What it finds
A foreign key from one tenant table to another that does not pair the tenant column of the
referencing table with the tenant column of the referenced table.

## Why it matters
A plain `member_id REFERENCES members (id)` accepts a member of any cauldron: a story of
cauldron A can point at a member of cauldron B, and joins then carry B's data into A's
results. Including the tenant column on both sides makes the database refuse such rows.

## How to fix
Give the referenced table a unique key on (tenant column, key columns) and reference that.
With the extension: `SELECT cauldron.scope_foreign_key('t', 'constraint_name')`.

## Example
```sql
CREATE TABLE app.stories (id uuid PRIMARY KEY, cauldron_id varchar(50) NOT NULL,
                          member_id uuid REFERENCES app.members (id));
-- fix:
ALTER TABLE app.members ADD UNIQUE (cauldron_id, id);
ALTER TABLE app.stories DROP CONSTRAINT stories_member_id_fkey,
    ADD FOREIGN KEY (cauldron_id, member_id) REFERENCES app.members (cauldron_id, id);
```
"#;

/// Reports foreign keys between tenant tables that leave out the tenant column.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let tenant = &context.config.tenant.column;
    for table in context.top_tenant_tables() {
        for key in &table.foreign_keys {
            let Some(referenced) = context.catalog.relation(key.referenced) else {
                continue;
            };
            if !context.is_tenant_table(referenced) || is_scoped(key, tenant) {
                continue;
            }
            let message = format!(
                "foreign key {} of {} references tenant table {} without the tenant column",
                quote_ident(&key.name),
                table.name,
                referenced.name
            );
            let help = "reference (tenant column, key columns) so rows can only point at rows \
                        of the same cauldron";
            let finding = context.finding(Rule::UnscopedForeignKey, table, message, help);
            findings.push(finding.with_fix(fix(context, table, referenced, key)));
        }
    }
}

/// Whether some column pair of the key is (tenant column, tenant column).
fn is_scoped(key: &ForeignKey, tenant: &str) -> bool {
    key.columns
        .iter()
        .zip(&key.referenced_columns)
        .any(|(c, r)| c == tenant && r == tenant)
}

fn fix(context: &Context<'_>, table: &Relation, referenced: &Relation, key: &ForeignKey) -> String {
    if context.has_extension() {
        let table_literal = table.name.to_string().replace('\'', "''");
        let name_literal = key.name.replace('\'', "''");
        return format!("SELECT cauldron.scope_foreign_key('{table_literal}', '{name_literal}');");
    }
    let tenant = quote_ident(&context.config.tenant.column);
    let list = |columns: &[String]| {
        let quoted: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
        format!("{tenant}, {}", quoted.join(", "))
    };
    let referenced_columns = list(&key.referenced_columns);
    let unique = if has_unique_key(referenced, &context.config.tenant.column, key) {
        String::new()
    } else {
        format!(
            "ALTER TABLE {} ADD UNIQUE ({referenced_columns});\n",
            referenced.name
        )
    };
    format!(
        "{unique}ALTER TABLE {} DROP CONSTRAINT {}, ADD CONSTRAINT {} FOREIGN KEY ({}) \
         REFERENCES {} ({referenced_columns});",
        table.name,
        quote_ident(&key.name),
        quote_ident(&key.name),
        list(&key.columns),
        referenced.name
    )
}

/// Whether `referenced` already has a unique key on exactly (tenant column, referenced
/// columns), which the scoped foreign key needs.
fn has_unique_key(referenced: &Relation, tenant: &str, key: &ForeignKey) -> bool {
    let mut wanted: Vec<&str> = key.referenced_columns.iter().map(String::as_str).collect();
    wanted.push(tenant);
    wanted.sort_unstable();
    wanted.dedup();
    referenced.indexes.iter().any(|index| {
        let mut columns: Vec<&str> = index.key_columns().collect();
        columns.sort_unstable();
        index.unique && index.valid && !index.partial && columns == wanted
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::{ForeignKey, RelationId};
    use crate::Rule;

    fn stories(
        columns: &[&str],
        referenced_columns: &[&str],
        target: u32,
    ) -> crate::model::Relation {
        let mut stories = isolated_table(2, "stories");
        stories.foreign_keys.push(ForeignKey {
            name: "stories_member_fkey".into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            referenced: RelationId(target),
            referenced_columns: referenced_columns.iter().map(|c| c.to_string()).collect(),
        });
        stories
    }

    #[test]
    fn fires_on_plain_key_between_tenant_tables() {
        let relations = vec![
            isolated_table(1, "members"),
            stories(&["member_id"], &["id"], 1),
        ];
        let findings = run(Rule::UnscopedForeignKey, relations);
        assert_eq!(findings.len(), 1);
        let fix = findings[0].fix.as_deref().unwrap();
        assert!(
            fix.starts_with("ALTER TABLE app.members ADD UNIQUE (cauldron_id, id);\n"),
            "{fix}"
        );
        assert!(fix.contains("FOREIGN KEY (cauldron_id, member_id)"));
        let mut members = isolated_table(1, "members");
        members
            .indexes
            .push(index("members_key", &["cauldron_id", "id"], true));
        let findings = run(
            Rule::UnscopedForeignKey,
            vec![members, stories(&["member_id"], &["id"], 1)],
        );
        assert!(findings[0]
            .fix
            .as_deref()
            .unwrap()
            .starts_with("ALTER TABLE app.stories"));
    }

    #[test]
    fn fires_when_tenant_columns_are_crossed() {
        let key = stories(&["cauldron_id", "member_id"], &["id", "cauldron_id"], 1);
        assert_eq!(
            run(
                Rule::UnscopedForeignKey,
                vec![isolated_table(1, "members"), key]
            )
            .len(),
            1
        );
    }

    #[test]
    fn quiet_for_scoped_keys_and_shared_targets() {
        let scoped = stories(&["cauldron_id", "member_id"], &["cauldron_id", "id"], 1);
        assert!(run(
            Rule::UnscopedForeignKey,
            vec![isolated_table(1, "members"), scoped]
        )
        .is_empty());
        let to_plain = stories(&["country_id"], &["id"], 3);
        assert!(run(
            Rule::UnscopedForeignKey,
            vec![plain_table(3, "countries"), to_plain]
        )
        .is_empty());
    }
}
