//! The JSON report: `{ "findings": [...], "summary": {...} }`.

use serde::Serialize;

use crate::finding::{Location, Summary};
use crate::Finding;

#[derive(Serialize)]
struct Report<'a> {
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    severity: &'static str,
    schema: &'a str,
    object: &'a str,
    message: &'a str,
    help: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a Location>,
}

pub(super) fn render(findings: &[Finding]) -> String {
    let report = Report {
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule.id(),
                severity: f.severity.as_str(),
                schema: &f.schema,
                object: &f.object,
                message: &f.message,
                help: &f.help,
                fix: f.fix.as_deref(),
                location: f.location.as_ref(),
            })
            .collect(),
        summary: Summary::of(findings),
    };
    let mut out = serde_json::to_string_pretty(&report).expect("findings serialise to JSON");
    out.push('\n');
    out
}
