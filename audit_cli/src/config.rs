//! `cauldron.toml`: what the auditor should consider the tenant column, which schemas and
//! tables to audit, and how strict to be.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{AuditError, Rule, Severity};

/// The configuration file name looked up from the working directory upward.
pub const FILE_NAME: &str = "cauldron.toml";

/// Schemas that are never audited, whatever the configuration says.
pub const SYSTEM_SCHEMAS: &[&str] = &["pg_catalog", "information_schema", "cauldron"];

/// The whole configuration. Every key is optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Config {
    /// The lowest severity that makes the audit fail (exit status 1).
    pub fail_on: Severity,
    /// Where the schema runs: `postgres`, or `citus` (no surrogate-key exemption).
    pub target: Target,
    /// Tables that are global on purpose, as `schema.table` or `table` (any schema).
    pub shared_tables: Vec<String>,
    /// Roles the application connects as.
    pub application_roles: Vec<String>,
    /// The tenant column and function.
    pub tenant: TenantConfig,
    /// Schemas to include or exclude.
    pub schemas: SchemaConfig,
    /// Per-rule severity, or `off`.
    pub rules: BTreeMap<String, RuleSetting>,
}

/// Where the schema is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Plain PostgreSQL.
    #[default]
    Postgres,
    /// Citus: unique constraints must include the distribution (tenant) column.
    Citus,
}

/// `[tenant]`: how tenant data is marked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct TenantConfig {
    /// Name of the tenant column.
    pub column: String,
    /// Its expected type, e.g. `varchar(50)`.
    #[serde(rename = "type")]
    pub column_type: String,
    /// The function that returns the current cauldron, optionally schema-qualified.
    pub function: String,
}

impl Default for TenantConfig {
    fn default() -> Self {
        TenantConfig {
            column: "cauldron_id".into(),
            column_type: "varchar(50)".into(),
            function: "current_cauldron".into(),
        }
    }
}

/// `[schemas]`: which schemas are audited.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct SchemaConfig {
    /// Only these schemas (all non-system schemas when empty).
    pub include: Vec<String>,
    /// Never these schemas.
    pub exclude: Vec<String>,
}

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSetting {
    /// The rule does not run.
    Off,
    /// Findings get severity error.
    Error,
    /// Findings get severity warning.
    Warning,
    /// Findings get severity info.
    Info,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            fail_on: Severity::Error,
            target: Target::Postgres,
            shared_tables: Vec::new(),
            application_roles: Vec::new(),
            tenant: TenantConfig::default(),
            schemas: SchemaConfig::default(),
            rules: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, AuditError> {
        let text = std::fs::read_to_string(path).map_err(|source| AuditError::ConfigRead {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text).map_err(|message| AuditError::ConfigInvalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Finds `cauldron.toml` in `start` or its nearest ancestor that has one.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|candidate| candidate.is_file())
    }

    /// Parses configuration text; the error is one line naming the offending key.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| describe_toml_error(text, &e))?;
        for name in config.rules.keys() {
            if name.parse::<Rule>().is_err() {
                return Err(format!(
                    "rules.{name}: unknown rule{}",
                    Rule::suggestion(name)
                ));
            }
        }
        if config.tenant.column.is_empty() {
            return Err("tenant.column: must not be empty".into());
        }
        if config.tenant.function.is_empty() || config.tenant.function.split('.').count() > 2 {
            return Err("tenant.function: expected `name` or `schema.name`".into());
        }
        Ok(config)
    }

    /// The configured severity of `rule`, or `None` when it is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        match self.rules.get(rule.id()) {
            None => Some(rule.default_severity()),
            Some(RuleSetting::Off) => None,
            Some(RuleSetting::Error) => Some(Severity::Error),
            Some(RuleSetting::Warning) => Some(Severity::Warning),
            Some(RuleSetting::Info) => Some(Severity::Info),
        }
    }

    /// Whether objects in `schema` are audited.
    pub fn audits_schema(&self, schema: &str) -> bool {
        let system = SYSTEM_SCHEMAS.contains(&schema)
            || schema.starts_with("pg_toast")
            || schema.starts_with("pg_temp");
        let included =
            self.schemas.include.is_empty() || self.schemas.include.iter().any(|s| s == schema);
        !system && included && !self.schemas.exclude.iter().any(|s| s == schema)
    }

    /// The tenant function as (schema, name); the schema is `None` when not configured.
    pub fn tenant_function(&self) -> (Option<&str>, &str) {
        match self.tenant.function.split_once('.') {
            Some((schema, name)) => (Some(schema), name),
            None => (None, self.tenant.function.as_str()),
        }
    }
}

/// Turns a TOML error into one line: `line N: key: problem`.
fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().replace('\n', " ");
    let Some(span) = error.span() else {
        return message;
    };
    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
    match key_at(text, span.start) {
        Some(key) if !message.contains(&format!("`{}`", key.rsplit('.').next().unwrap_or(""))) => {
            format!("line {line}: {key}: {message}")
        }
        _ => format!("line {line}: {message}"),
    }
}

/// The dotted key whose assignment holds byte offset `at`, e.g. `tenant.type`.
fn key_at(text: &str, at: usize) -> Option<String> {
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?;
    let key = line.split_once('=')?.0.trim().trim_matches('"');
    let table = text[..line_start]
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix('[').and_then(|l| l.strip_suffix(']')))
        .map(|t| t.trim().to_string());
    Some(match table {
        Some(table) => format!("{table}.{key}"),
        None => key.to_string(),
    })
}

/// Normalises a type name to the spelling `format_type()` uses, so `varchar(50)` and
/// `character varying(50)` compare equal.
pub fn normalize_type(type_name: &str) -> String {
    let lower = type_name.trim().to_lowercase();
    let (base, modifier) = match lower.find('(') {
        Some(i) => (lower[..i].trim(), lower[i..].replace(' ', "")),
        None => (lower.as_str(), String::new()),
    };
    let base = base.split_whitespace().collect::<Vec<_>>().join(" ");
    let canonical = match base.as_str() {
        "varchar" => "character varying",
        "char" | "bpchar" => "character",
        "int" | "int4" => "integer",
        "int8" => "bigint",
        "int2" => "smallint",
        "bool" => "boolean",
        "float8" => "double precision",
        "float4" => "real",
        "timestamptz" => "timestamp with time zone",
        other => other,
    };
    format!("{canonical}{modifier}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_extension() {
        let config = Config::parse("").unwrap();
        assert_eq!(config.tenant.column, "cauldron_id");
        assert_eq!(config.fail_on, Severity::Error);
        assert!(config.audits_schema("public"));
        assert!(!config.audits_schema("cauldron"));
        assert!(!config.audits_schema("pg_toast_temp_1"));
    }

    #[test]
    fn reads_every_key() {
        let text = r#"
fail-on = "warning"
target = "citus"
shared-tables = ["public.countries", "plans"]
application-roles = ["app"]

[tenant]
column = "tenant_id"
type = "uuid"
function = "app.current_tenant"

[schemas]
include = ["app", "billing"]
exclude = ["billing"]

[rules]
missing-tenant-index = "off"
truncate-privilege = "error"
"#;
        let config = Config::parse(text).unwrap();
        assert_eq!(config.target, Target::Citus);
        assert_eq!(config.tenant_function(), (Some("app"), "current_tenant"));
        assert_eq!(config.severity(Rule::MissingTenantIndex), None);
        assert_eq!(
            config.severity(Rule::TruncatePrivilege),
            Some(Severity::Error)
        );
        assert!(config.audits_schema("app"));
        assert!(!config.audits_schema("billing"));
        assert!(!config.audits_schema("public"));
    }

    #[test]
    fn errors_name_the_key() {
        let error = Config::parse("[tenant]\ncolum = \"x\"\n").unwrap_err();
        assert!(
            error.contains("line 2") && error.contains("`colum`"),
            "{error}"
        );
        let error = Config::parse("fail-on = \"critical\"\n").unwrap_err();
        assert!(
            error.contains("fail-on") && error.contains("critical"),
            "{error}"
        );
        let error = Config::parse("[rules]\nrls-disable = \"off\"\n").unwrap_err();
        assert!(
            error.contains("rules.rls-disable") && error.contains("rls-disabled"),
            "{error}"
        );
        let error = Config::parse("[tenant]\ntype = 50\n").unwrap_err();
        assert!(error.contains("tenant.type"), "{error}");
    }

    #[test]
    fn normalises_type_spellings() {
        assert_eq!(normalize_type("VARCHAR( 50 )"), "character varying(50)");
        assert_eq!(
            normalize_type("character  varying(50)"),
            "character varying(50)"
        );
        assert_eq!(normalize_type("uuid"), "uuid");
    }
}
