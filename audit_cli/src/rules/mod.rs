//! The rule catalogue. Each rule lives in its own file with its check, its documentation and
//! its tests; this module ties them to the one [`Rule`] enum whose kebab-case ids are used in
//! configuration, output and documentation alike.

mod context;
#[cfg(test)]
mod testing;

// Declared here rather than by the macro below so that rustfmt, which does not look inside
// macro calls, formats every rule file.
mod missing_isolation_policy;
mod missing_tenant_column;
mod missing_tenant_default;
mod missing_tenant_index;
mod nullable_tenant_column;
mod partition_without_isolation;
mod per_row_tenant_function;
mod permissive_policy_bypass;
mod rls_disabled;
mod rls_not_forced;
mod role_bypasses_rls;
mod tenant_column_type_mismatch;
mod truncate_privilege;
mod unindexed_tenant_foreign_key;
mod unscoped_foreign_key;
mod unscoped_unique_constraint;
mod view_bypasses_rls;
mod write_policy_without_tenant_check;

use std::fmt;
use std::str::FromStr;

pub use context::Context;

use crate::{Finding, Severity};

macro_rules! catalogue {
    ($($variant:ident => $module:ident, $id:literal, $severity:ident, $summary:literal;)*) => {
        /// A rule of the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $(#[doc = $summary] $variant,)*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The kebab-case id, e.g. `rls-not-forced`.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// Severity when the configuration does not say otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// One line saying what the rule finds.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }

            /// The full documentation: what it finds, why it matters, how to fix, an example.
            pub fn documentation(self) -> &'static str {
                match self { $(Rule::$variant => $module::DOCUMENTATION,)* }
            }

            /// Runs the rule over the catalog.
            pub fn check(self, context: &Context<'_>, findings: &mut Vec<Finding>) {
                match self { $(Rule::$variant => $module::check(context, findings),)* }
            }
        }
    };
}

catalogue! {
    MissingTenantColumn => missing_tenant_column, "missing-tenant-column", Error,
        "A table that is not shared and has no tenant column.";
    NullableTenantColumn => nullable_tenant_column, "nullable-tenant-column", Error,
        "The tenant column allows NULL.";
    TenantColumnTypeMismatch => tenant_column_type_mismatch, "tenant-column-type-mismatch", Error,
        "The tenant column's type differs from the configured one.";
    MissingTenantDefault => missing_tenant_default, "missing-tenant-default", Warning,
        "The tenant column has no `DEFAULT current_cauldron()`.";
    MissingTenantIndex => missing_tenant_index, "missing-tenant-index", Warning,
        "No valid index leads with the tenant column.";
    UnindexedTenantForeignKey => unindexed_tenant_foreign_key, "unindexed-tenant-foreign-key",
        Warning, "A foreign key has no valid, non-partial index on (tenant column, FK columns).";
    UnscopedForeignKey => unscoped_foreign_key, "unscoped-foreign-key", Error,
        "A foreign key between tenant tables does not carry the tenant column on both sides.";
    UnscopedUniqueConstraint => unscoped_unique_constraint, "unscoped-unique-constraint", Error,
        "A unique constraint or index on a tenant table leaves out the tenant column.";
    RlsDisabled => rls_disabled, "rls-disabled", Error,
        "A tenant table without row-level security.";
    RlsNotForced => rls_not_forced, "rls-not-forced", Error,
        "Row-level security is not forced, so the table owner bypasses it.";
    MissingIsolationPolicy => missing_isolation_policy, "missing-isolation-policy", Error,
        "No policy restricts reads and writes to `tenant column = current_cauldron()`.";
    WritePolicyWithoutTenantCheck => write_policy_without_tenant_check,
        "write-policy-without-tenant-check", Error,
        "A policy lets INSERT or UPDATE write rows whose tenant is not checked.";
    PermissivePolicyBypass => permissive_policy_bypass, "permissive-policy-bypass", Error,
        "A permissive policy without the tenant condition ORs the isolation away.";
    PerRowTenantFunction => per_row_tenant_function, "per-row-tenant-function", Warning,
        "A policy calls the tenant function per row instead of once in `(SELECT ...)`.";
    ViewBypassesRls => view_bypasses_rls, "view-bypasses-rls", Error,
        "A view or materialized view over tenant tables does not run with the caller's rights.";
    PartitionWithoutIsolation => partition_without_isolation, "partition-without-isolation",
        Error, "A partition queried directly escapes its parent's policies.";
    RoleBypassesRls => role_bypasses_rls, "role-bypasses-rls", Warning,
        "A login role with BYPASSRLS or superuser holds privileges on tenant tables.";
    TruncatePrivilege => truncate_privilege, "truncate-privilege", Warning,
        "A role other than the owner may TRUNCATE a tenant table (TRUNCATE ignores RLS).";
}

impl Rule {
    /// ` (did you mean `x`?)` for the closest rule id, or nothing when none is close.
    pub fn suggestion(unknown: &str) -> String {
        Rule::ALL
            .iter()
            .map(|rule| (edit_distance(unknown, rule.id()), rule.id()))
            .filter(|(distance, id)| *distance <= 3.max(id.len() / 3))
            .min()
            .map(|(_, id)| format!(" (did you mean `{id}`?)"))
            .unwrap_or_default()
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The error of parsing an unknown rule id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{id}`{suggestion}")]
pub struct UnknownRule {
    /// What was given.
    pub id: String,
    /// A hint at the closest rule, possibly empty.
    pub suggestion: String,
}

impl FromStr for Rule {
    type Err = UnknownRule;

    fn from_str(id: &str) -> Result<Rule, UnknownRule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|rule| rule.id() == id)
            .ok_or_else(|| UnknownRule {
                id: id.to_string(),
                suggestion: Rule::suggestion(id),
            })
    }
}

/// Levenshtein distance, for suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_kebab_case() {
        for rule in Rule::ALL {
            assert_eq!(rule.id().parse::<Rule>().unwrap(), *rule);
            assert!(rule
                .id()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
            let doc = rule.documentation();
            for heading in [
                "## What it finds",
                "## Why it matters",
                "## How to fix",
                "## Example",
            ] {
                assert!(doc.contains(heading), "{rule} lacks {heading}");
            }
        }
    }

    #[test]
    fn suggests_the_closest_rule() {
        let error = "rls-not-force".parse::<Rule>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown rule `rls-not-force` (did you mean `rls-not-forced`?)"
        );
        assert_eq!(Rule::suggestion("completely-different-thing"), "");
    }
}
