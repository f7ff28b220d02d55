//! Findings: what the rules report.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Rule;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never a leak by itself.
    Info,
    /// Weakens isolation or performance; fix soon.
    Warning,
    /// One cauldron can read or write another's rows; fix before shipping.
    Error,
}

impl Severity {
    /// The lowercase name used in configuration and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in a source file a finding was made (offline mode only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Path of the migration file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// One problem found in the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule that made it.
    pub rule: Rule,
    /// Severity after configuration.
    pub severity: Severity,
    /// Schema of the object.
    pub schema: String,
    /// Table, view or role the finding is about (unquoted).
    pub object: String,
    /// One sentence saying what is wrong.
    pub message: String,
    /// What to do about it, in the imperative.
    pub help: String,
    /// SQL that fixes it, when the fix is mechanical.
    pub fix: Option<String>,
    /// Source position, for offline findings.
    pub location: Option<Location>,
}

impl Finding {
    /// A finding at the rule's default severity; [`crate::audit`] applies configuration.
    pub fn new(
        rule: Rule,
        schema: &str,
        object: &str,
        message: String,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity: rule.default_severity(),
            schema: schema.to_string(),
            object: object.to_string(),
            message,
            help: help.into(),
            fix: None,
            location: None,
        }
    }

    /// Adds the SQL that fixes the finding.
    pub fn with_fix(mut self, fix: String) -> Self {
        self.fix = Some(fix);
        self
    }
}

/// Counts of findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Findings of severity error.
    pub error: usize,
    /// Findings of severity warning.
    pub warning: usize,
    /// Findings of severity info.
    pub info: usize,
}

impl Summary {
    /// Counts `findings`.
    pub fn of(findings: &[Finding]) -> Self {
        let mut summary = Summary::default();
        for finding in findings {
            match finding.severity {
                Severity::Error => summary.error += 1,
                Severity::Warning => summary.warning += 1,
                Severity::Info => summary.info += 1,
            }
        }
        summary
    }

    /// Total number of findings.
    pub fn total(&self) -> usize {
        self.error + self.warning + self.info
    }
}
