//! Running the catalogue over a catalog.

use crate::config::Config;
use crate::model::Catalog;
use crate::rules::Context;
use crate::{Finding, Rule};

/// Runs every enabled rule and returns the findings with configured severities, ordered by
/// schema, object and rule.
pub fn audit(catalog: &Catalog, config: &Config) -> Vec<Finding> {
    let context = Context::new(catalog, config);
    let mut findings = Vec::new();
    for &rule in Rule::ALL {
        let Some(severity) = config.severity(rule) else {
            continue;
        };
        let start = findings.len();
        rule.check(&context, &mut findings);
        for finding in &mut findings[start..] {
            finding.severity = severity;
        }
    }
    findings.sort_by(|a, b| {
        (&a.schema, &a.object, a.rule, &a.message).cmp(&(&b.schema, &b.object, b.rule, &b.message))
    });
    findings
}
