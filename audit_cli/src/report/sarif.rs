//! The SARIF 2.1.0 report.

use serde_json::{json, Value};

use crate::model::QualifiedName;
use crate::{Finding, Rule, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(super) fn render(findings: &[Finding]) -> String {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| rule_descriptor(*rule))
        .collect();
    let results: Vec<Value> = findings.iter().map(result).collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cauldron-audit",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).expect("SARIF serialises to JSON");
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(rule: Rule) -> Value {
    json!({
        "id": rule.id(),
        "name": rule.id(),
        "shortDescription": { "text": rule.summary() },
        "fullDescription": { "text": rule.summary() },
        "help": { "text": rule.documentation(), "markdown": rule.documentation() },
        "defaultConfiguration": { "level": level(rule.default_severity()) },
    })
}

fn result(finding: &Finding) -> Value {
    let index = Rule::ALL
        .iter()
        .position(|r| *r == finding.rule)
        .unwrap_or_default();
    let qualified = QualifiedName::new(&finding.schema, &finding.object).to_string();
    let kind = if finding.rule == Rule::RoleBypassesRls {
        "role"
    } else {
        "table"
    };
    let mut location = json!({
        "logicalLocations": [{
            "name": finding.object,
            "fullyQualifiedName": qualified,
            "kind": kind,
        }]
    });
    if let Some(source) = &finding.location {
        location["physicalLocation"] = json!({
            "artifactLocation": { "uri": source.file },
            "region": { "startLine": source.line, "startColumn": source.column },
        });
    }
    let mut properties =
        json!({ "schema": finding.schema, "object": finding.object, "help": finding.help });
    if let Some(fix) = &finding.fix {
        properties["fix"] = json!(fix);
    }
    json!({
        "ruleId": finding.rule.id(),
        "ruleIndex": index,
        "level": level(finding.severity),
        "message": { "text": format!("{} Help: {}", sentence(&finding.message), finding.help) },
        "locations": [location],
        "partialFingerprints": {
            "cauldronAudit/v1": format!("{}:{}", finding.rule.id(), qualified)
        },
        "properties": properties,
    })
}

fn sentence(text: &str) -> String {
    if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    }
}
