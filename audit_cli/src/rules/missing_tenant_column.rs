//! `missing-tenant-column`: a table that is not shared and has no tenant column.

use super::Context;
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain missing-tenant-column`.
pub(crate) const DOCUMENTATION: &str = r#"# missing-tenant-column (error)

## What it finds
A table in an audited schema that has no tenant column (`cauldron_id` by default) and is not
declared shared, neither in `cauldron.toml` (`shared-tables`) nor with `cauldron.share()`.

## Why it matters
Rows without a tenant column belong to no cauldron, so no policy can keep one cauldron from
reading another's rows. Every table either holds one cauldron's data or is global on purpose.

## How to fix
Add the tenant column (with the extension: `SELECT cauldron.add_tenant_column('t')`), then
isolate the table. If the table holds global data such as a list of countries, declare it
shared instead.

## Example
```sql
CREATE TABLE app.invoices (id bigint PRIMARY KEY, total numeric);
-- fix:
ALTER TABLE app.invoices
    ADD COLUMN cauldron_id varchar(50) NOT NULL DEFAULT current_cauldron();
```
"#;

/// Reports every audited, non-shared table without the tenant column.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let column = &context.config.tenant.column;
    for table in context.audited_tables() {
        if table.partition_of.is_some() || context.tenant_column(table).is_some() {
            continue;
        }
        let message = format!(
            "{} {} has no tenant column `{column}` and is not declared shared",
            table.kind.noun(),
            table.name
        );
        let fix = if context.has_extension() {
            let literal = table.name.to_string().replace('\'', "''");
            format!("SELECT cauldron.add_tenant_column('{literal}');")
        } else {
            format!(
                "ALTER TABLE {} ADD COLUMN {} {} NOT NULL DEFAULT {};",
                table.name,
                crate::model::quote_ident(column),
                context.config.tenant.column_type,
                context.tenant_function_sql()
            )
        };
        let help = "add the tenant column and isolate the table, or declare it shared if it \
                    holds global data";
        findings.push(
            context
                .finding(Rule::MissingTenantColumn, table, message, help)
                .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::config::Config;
    use crate::model::{Catalog, Extension, QualifiedName};
    use crate::Rule;

    #[test]
    fn fires_on_a_table_without_tenant_column() {
        let findings = run(Rule::MissingTenantColumn, vec![plain_table(1, "invoices")]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].object, "invoices");
        assert!(findings[0]
            .fix
            .as_deref()
            .unwrap()
            .starts_with("ALTER TABLE app.invoices"));
    }

    #[test]
    fn quiet_for_tenant_and_shared_tables() {
        assert!(run(
            Rule::MissingTenantColumn,
            vec![isolated_table(1, "stories")]
        )
        .is_empty());
        let config = Config {
            shared_tables: vec!["app.countries".into()],
            ..Config::default()
        };
        let catalog = Catalog::new(vec![plain_table(1, "countries")], vec![], None);
        assert!(run_with(Rule::MissingTenantColumn, catalog, &config).is_empty());
        let extension = Extension {
            schema: "public".into(),
            shared_tables: vec![QualifiedName::new("app", "plans")],
        };
        let catalog = Catalog::new(vec![plain_table(1, "plans")], vec![], Some(extension));
        assert!(run_with(Rule::MissingTenantColumn, catalog, &Config::default()).is_empty());
    }

    #[test]
    fn quiet_outside_audited_schemas() {
        let config = Config::parse("[schemas]\nexclude = [\"app\"]").unwrap();
        let catalog = Catalog::new(vec![plain_table(1, "invoices")], vec![], None);
        assert!(run_with(Rule::MissingTenantColumn, catalog, &config).is_empty());
    }
}
