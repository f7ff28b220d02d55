//! Catalog values for rule unit tests: an isolated tenant table to break one way at a time.

use crate::config::Config;
use crate::model::{
    Catalog, Column, ColumnDefault, Index, IndexKey, Policy, PolicyCommand, QualifiedName,
    Relation, RelationId, RelationKind,
};
use crate::{Finding, Rule};

/// The isolation clause exactly as `pg_get_expr()` prints it.
pub const ISOLATION: &str =
    "((cauldron_id)::text = (( SELECT public.current_cauldron() AS current_cauldron))::text)";

/// A column of type `type_name`, nullable, without default.
pub fn column(name: &str, type_name: &str) -> Column {
    Column {
        name: name.into(),
        type_name: type_name.into(),
        not_null: false,
        identity: false,
        generated: false,
        default: None,
    }
}

/// A default calling `schema.function()`.
pub fn default_calling(schema: &str, function: &str) -> Option<ColumnDefault> {
    Some(ColumnDefault {
        function: Some(QualifiedName::new(schema, function)),
        expression: None,
    })
}

/// A valid, non-partial index over plain columns.
pub fn index(name: &str, columns: &[&str], unique: bool) -> Index {
    Index {
        name: name.into(),
        constraint: None,
        keys: columns
            .iter()
            .map(|c| IndexKey::Column(c.to_string()))
            .collect(),
        unique,
        primary: false,
        valid: true,
        partial: false,
    }
}

/// The extension's isolation policy.
pub fn isolation_policy() -> Policy {
    Policy {
        name: "cauldron_isolation".into(),
        command: PolicyCommand::All,
        roles: vec!["public".into()],
        permissive: true,
        using: Some(ISOLATION.into()),
        with_check: Some(ISOLATION.into()),
    }
}

/// A policy for `PUBLIC`, named after its command.
pub fn policy(
    command: PolicyCommand,
    permissive: bool,
    using: Option<&str>,
    check: Option<&str>,
) -> Policy {
    Policy {
        name: format!("{}_policy", command.as_sql().to_lowercase()),
        command,
        roles: vec!["public".into()],
        permissive,
        using: using.map(str::to_string),
        with_check: check.map(str::to_string),
    }
}

/// A table in schema `app` with no columns at all.
pub fn plain_table(id: u32, name: &str) -> Relation {
    let mut table = Relation::new(
        RelationId(id),
        QualifiedName::new("app", name),
        RelationKind::Table,
        "owner",
    );
    table.columns.push(column("id", "bigint"));
    table
}

/// A tenant table in schema `app` that every rule accepts.
pub fn isolated_table(id: u32, name: &str) -> Relation {
    let mut table = plain_table(id, name);
    let mut tenant = column("cauldron_id", "character varying(50)");
    tenant.not_null = true;
    tenant.default = default_calling("public", "current_cauldron");
    table.columns.push(tenant);
    table.indexes.push(index(
        &format!("{name}_cauldron_id_idx"),
        &["cauldron_id", "id"],
        false,
    ));
    table.row_security = true;
    table.force_row_security = true;
    table.policies.push(isolation_policy());
    table
}

/// Runs one rule with the default configuration.
pub fn run(rule: Rule, relations: Vec<Relation>) -> Vec<Finding> {
    run_with(
        rule,
        Catalog::new(relations, Vec::new(), None),
        &Config::default(),
    )
}

/// Runs one rule over a prepared catalog and configuration.
pub fn run_with(rule: Rule, catalog: Catalog, config: &Config) -> Vec<Finding> {
    let context = super::Context::new(&catalog, config);
    let mut findings = Vec::new();
    rule.check(&context, &mut findings);
    findings
}
