//! Rendering findings. Every format is a view of the same [`Finding`] values.

mod github;
mod json;
mod sarif;
mod text;

use crate::finding::Summary;
use crate::{Finding, Severity};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, grouped by table, with a summary line.
    Text,
    /// The stable JSON contract: `findings` and `summary`.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow commands (`::error title=...::...`).
    Github,
}

/// Presentation choices that are not part of the findings.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Use ANSI colours (text format only).
    pub color: bool,
    /// The failing severity, mentioned in the text summary.
    pub fail_on: Severity,
}

/// Renders `findings` in `format`; the result ends with a newline.
pub fn render(format: Format, findings: &[Finding], options: RenderOptions) -> String {
    match format {
        Format::Text => text::render(findings, options),
        Format::Json => json::render(findings),
        Format::Sarif => sarif::render(findings),
        Format::Github => github::render(findings),
    }
}

/// Whether any finding is at or above the failing severity.
pub fn fails(findings: &[Finding], fail_on: Severity) -> bool {
    findings.iter().any(|f| f.severity >= fail_on)
}

pub(crate) fn summary_line(summary: Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {} info",
        plural(summary.error, "error"),
        plural(summary.warning, "warning"),
        summary.info
    )
}
