//! `unscoped-unique-constraint`: a unique constraint or index that leaves out the tenant column.

use super::Context;
use crate::config::Target;
use crate::model::{quote_ident, Index, IndexKey, Relation};
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain unscoped-unique-constraint`.
pub(crate) const DOCUMENTATION: &str = r#"# unscoped-unique-constraint (error)

## What it finds
A primary key, unique constraint or unique index on a tenant table whose keys do not include
the tenant column.

Surrogate keys are exempt: a single column that is an identity column, a serial (a
`nextval()` default), or has a random UUID default (`gen_random_uuid()`,
`uuid_generate_v4()`). Their values carry no meaning, so they reveal nothing. The exemption
does not apply when `target = "citus"`, where every unique constraint must include the
distribution column.

## Why it matters
Uniqueness is checked across all cauldrons, beneath row-level security. A user of cauldron A
can insert a value and learn from the unique violation that cauldron B already has it (an
email address, an invoice number), and two cauldrons can never hold the same value.

## How to fix
Add the tenant column to the constraint: `UNIQUE (cauldron_id, email)`. For a natural
primary key, make it `(cauldron_id, key)`.

## Example
```sql
CREATE TABLE app.members (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                          cauldron_id varchar(50) NOT NULL, email text UNIQUE);
-- fix:
ALTER TABLE app.members DROP CONSTRAINT members_email_key,
    ADD CONSTRAINT members_email_key UNIQUE (cauldron_id, email);
```
"#;

/// Reports unique indexes of tenant tables that leave out the tenant column.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let tenant = &context.config.tenant.column;
    for table in context.top_tenant_tables() {
        for index in table.indexes.iter().filter(|i| i.unique && i.valid) {
            if index.key_columns().any(|c| c == tenant) {
                continue;
            }
            if context.config.target == Target::Postgres && is_surrogate_key(table, index) {
                continue;
            }
            let (what, name) = match &index.constraint {
                Some(constraint) if index.primary => ("primary key", constraint),
                Some(constraint) => ("unique constraint", constraint),
                None => ("unique index", &index.name),
            };
            let message = format!(
                "{what} {} of {} does not include tenant column `{tenant}`",
                quote_ident(name),
                table.name
            );
            let help = "add the tenant column to the unique key, so values are unique per \
                        cauldron and cannot be probed across cauldrons";
            findings.push(context.finding(Rule::UnscopedUniqueConstraint, table, message, help));
        }
    }
}

/// Whether the index is over one column whose values are generated and meaningless.
fn is_surrogate_key(table: &Relation, index: &Index) -> bool {
    let [IndexKey::Column(name)] = index.keys.as_slice() else {
        return false;
    };
    let Some(column) = table.column(name) else {
        return false;
    };
    if column.identity {
        return true;
    }
    let function = column.default.as_ref().and_then(|d| d.function.as_ref());
    function.is_some_and(|f| {
        matches!(
            f.name.as_str(),
            "nextval" | "gen_random_uuid" | "uuid_generate_v4"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::config::{Config, Target};
    use crate::model::Catalog;
    use crate::Rule;

    fn members() -> crate::model::Relation {
        let mut table = isolated_table(1, "members");
        table.columns[0].type_name = "uuid".into();
        table.columns[0].default = default_calling("pg_catalog", "gen_random_uuid");
        table.columns.push(column("email", "text"));
        let mut primary = index("members_pkey", &["id"], true);
        primary.primary = true;
        primary.constraint = Some("members_pkey".into());
        table.indexes.push(primary);
        table
    }

    #[test]
    fn fires_on_natural_unique_key() {
        let mut table = members();
        table
            .indexes
            .push(index("members_email_idx", &["email"], true));
        let findings = run(Rule::UnscopedUniqueConstraint, vec![table]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .message
            .starts_with("unique index members_email_idx"));
    }

    #[test]
    fn surrogate_keys_are_exempt_except_on_citus() {
        assert!(run(Rule::UnscopedUniqueConstraint, vec![members()]).is_empty());
        let mut identity = members();
        identity.columns[0].default = None;
        identity.columns[0].identity = true;
        assert!(run(Rule::UnscopedUniqueConstraint, vec![identity]).is_empty());
        let config = Config {
            target: Target::Citus,
            ..Config::default()
        };
        let catalog = Catalog::new(vec![members()], vec![], None);
        assert_eq!(
            run_with(Rule::UnscopedUniqueConstraint, catalog, &config).len(),
            1
        );
    }

    #[test]
    fn quiet_when_scoped() {
        let mut table = members();
        table
            .indexes
            .push(index("members_email_key", &["cauldron_id", "email"], true));
        assert!(run(Rule::UnscopedUniqueConstraint, vec![table]).is_empty());
    }
}
