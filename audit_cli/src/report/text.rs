//! The text report: findings grouped by object, then a summary line.

use std::fmt::Write;

use super::{summary_line, RenderOptions};
use crate::finding::Summary;
use crate::model::QualifiedName;
use crate::{Finding, Rule, Severity};

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BLUE: &str = "\x1b[34m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

pub(super) fn render(findings: &[Finding], options: RenderOptions) -> String {
    let paint = |style: &str, text: &str| {
        if options.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    let mut current: Option<(&str, &str, bool)> = None;
    for finding in findings {
        let is_role = finding.rule == Rule::RoleBypassesRls;
        let group = (finding.schema.as_str(), finding.object.as_str(), is_role);
        if current != Some(group) {
            if current.is_some() {
                out.push('\n');
            }
            let heading = if is_role {
                format!("role {} (schema {})", finding.object, finding.schema)
            } else {
                QualifiedName::new(&finding.schema, &finding.object).to_string()
            };
            let _ = writeln!(out, "{}", paint(BOLD, &heading));
            current = Some(group);
        }
        let colour = match finding.severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
            Severity::Info => BLUE,
        };
        let label = paint(colour, &format!("{}[{}]", finding.severity, finding.rule));
        let _ = writeln!(out, "  {label}: {}", finding.message);
        let _ = writeln!(out, "    {} {}", paint(DIM, "help:"), finding.help);
        if let Some(fix) = &finding.fix {
            let mut lines = fix.lines();
            let _ = writeln!(
                out,
                "    {} {}",
                paint(DIM, "fix:"),
                lines.next().unwrap_or("")
            );
            for line in lines {
                let _ = writeln!(out, "         {line}");
            }
        }
    }
    if !findings.is_empty() {
        out.push('\n');
    }
    let summary = Summary::of(findings);
    let verdict = if super::fails(findings, options.fail_on) {
        paint(RED, &format!("failed (at {} or above)", options.fail_on))
    } else {
        paint(BOLD, "passed")
    };
    let _ = writeln!(out, "{}: {verdict}", summary_line(summary));
    out
}
