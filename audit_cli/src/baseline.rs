//! Baselines: accepted findings, matched by rule, schema and object (not by message, which
//! may be reworded between versions).

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{AuditError, Finding};

/// A set of accepted findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version, currently 1.
    pub version: u32,
    /// Accepted findings.
    pub findings: BTreeSet<BaselineEntry>,
}

/// The identity of one accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// Rule id.
    pub rule: String,
    /// Schema.
    pub schema: String,
    /// Object.
    pub object: String,
}

impl BaselineEntry {
    fn of(finding: &Finding) -> Self {
        BaselineEntry {
            rule: finding.rule.id().to_string(),
            schema: finding.schema.clone(),
            object: finding.object.clone(),
        }
    }
}

impl Baseline {
    /// A baseline accepting every one of `findings`.
    pub fn of(findings: &[Finding]) -> Self {
        Baseline {
            version: 1,
            findings: findings.iter().map(BaselineEntry::of).collect(),
        }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, AuditError> {
        let text = std::fs::read_to_string(path).map_err(|source| AuditError::Baseline {
            path: path.to_path_buf(),
            source,
        })?;
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|e| AuditError::BaselineInvalid {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        if baseline.version != 1 {
            return Err(AuditError::BaselineInvalid {
                path: path.to_path_buf(),
                message: format!("unsupported version {}", baseline.version),
            });
        }
        Ok(baseline)
    }

    /// Writes the baseline as pretty JSON.
    pub fn save(&self, path: &Path) -> Result<(), AuditError> {
        let mut text = serde_json::to_string_pretty(self).expect("baseline serialises");
        text.push('\n');
        std::fs::write(path, text).map_err(|source| AuditError::Baseline {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Splits `findings` into (new, accepted).
    pub fn partition(&self, findings: Vec<Finding>) -> (Vec<Finding>, Vec<Finding>) {
        findings
            .into_iter()
            .partition(|f| !self.findings.contains(&BaselineEntry::of(f)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rule;

    #[test]
    fn matches_by_rule_schema_and_object_only() {
        let old = Finding::new(
            Rule::RlsDisabled,
            "app",
            "stories",
            "old wording".into(),
            "h",
        );
        let baseline = Baseline::of(&[old]);
        let reworded = Finding::new(
            Rule::RlsDisabled,
            "app",
            "stories",
            "new wording".into(),
            "h",
        );
        let other = Finding::new(Rule::RlsDisabled, "app", "members", "m".into(), "h");
        let (new, accepted) = baseline.partition(vec![reworded, other]);
        assert_eq!(accepted.len(), 1);
        assert_eq!(new[0].object, "members");
    }
}
