//! `cauldron-audit`: the command-line front of the auditor.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result};
use cauldron_audit::baseline::Baseline;
use cauldron_audit::config::Config;
use cauldron_audit::live::{self, ConnectionSettings, LoadOptions};
use cauldron_audit::report::{self, Format, RenderOptions};
use cauldron_audit::{Rule, Severity};
use clap::{Parser, Subcommand};

// Loading a large catalog allocates and frees millions of small strings and row buffers;
// with the system allocator that bookkeeping was a fifth of the audit's CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Audits a PostgreSQL database for multi-tenant safety.
#[derive(Debug, Parser)]
#[command(name = "cauldron-audit", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// Database to audit: a postgresql:// URL or a key=value string; PG* variables fill in
    /// whatever it leaves out
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,

    /// Configuration file (default: cauldron.toml in the working directory or above)
    #[arg(long)]
    config: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: Format,

    /// Fail only on findings that are not in this baseline file
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Write all current findings to this baseline file and exit 0
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,

    /// Lowest severity that fails the audit (overrides fail-on in the configuration)
    #[arg(long, value_enum)]
    fail_on: Option<SeverityArg>,

    /// Upper bound for each catalog query, e.g. 500ms, 30s, 2min
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    statement_timeout: Duration,

    /// Seconds to wait for the server to answer (default: connect_timeout, else 10)
    #[arg(long, value_name = "SECONDS")]
    connect_timeout: Option<u64>,

    /// Print what the auditor does (queries sent, timings) on stderr
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the rules with their default severity
    Rules,
    /// Print a rule's documentation
    Explain {
        /// Rule id, e.g. rls-not-forced
        rule: String,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SeverityArg {
    Error,
    Warning,
    Info,
}

/// What the audit concluded, as an exit status.
enum Outcome {
    Clean,
    Findings,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: {}", error_chain(&error));
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<Outcome> {
    match &cli.command {
        Some(Command::Rules) => {
            print_rules();
            return Ok(Outcome::Clean);
        }
        Some(Command::Explain { rule }) => {
            let rule: Rule = rule.parse()?;
            print!("{}", rule.documentation());
            return Ok(Outcome::Clean);
        }
        None => {}
    }
    let config = load_config(cli)?;
    let mut settings =
        ConnectionSettings::resolve(cli.database_url.as_deref(), |name| std::env::var(name).ok())?;
    if let Some(seconds) = cli.connect_timeout {
        settings.set("connect_timeout", &seconds.to_string());
    }
    if cli.verbose {
        eprintln!(
            "connecting to {} (sslmode {:?})",
            settings.target(),
            settings.ssl_mode()
        );
    }
    let mut client = live::connect(&settings)?;
    let options = LoadOptions {
        statement_timeout: cli.statement_timeout,
    };
    let (catalog, stats) = live::load(&mut client, &options)?;
    if cli.verbose {
        for step in &stats.steps {
            eprintln!(
                "  {:18} {:>7} rows {:>6} ms",
                step.query,
                step.rows,
                step.duration.as_millis()
            );
        }
        eprintln!(
            "read {} relations and {} roles in {} queries, {} ms",
            catalog.relations.len(),
            catalog.roles.len(),
            stats.queries,
            stats.duration.as_millis()
        );
    }
    let started = std::time::Instant::now();
    let findings = cauldron_audit::audit(&catalog, &config);
    if cli.verbose {
        eprintln!(
            "ran {} rules in {} ms",
            Rule::ALL.len(),
            started.elapsed().as_millis()
        );
    }

    if let Some(path) = &cli.write_baseline {
        Baseline::of(&findings).save(path)?;
        eprintln!(
            "wrote {} finding(s) to baseline {}",
            findings.len(),
            path.display()
        );
        return Ok(Outcome::Clean);
    }
    let findings = match &cli.baseline {
        Some(path) => {
            let (new, accepted) = Baseline::load(path)?.partition(findings);
            if !accepted.is_empty() {
                eprintln!(
                    "{} finding(s) accepted by baseline {} not shown",
                    accepted.len(),
                    path.display()
                );
            }
            new
        }
        None => findings,
    };

    let fail_on = match cli.fail_on {
        Some(SeverityArg::Error) => Severity::Error,
        Some(SeverityArg::Warning) => Severity::Warning,
        Some(SeverityArg::Info) => Severity::Info,
        None => config.fail_on,
    };
    let color = cli.format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let output = report::render(cli.format, &findings, RenderOptions { color, fail_on });
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(output.as_bytes())
        .context("cannot write the report")?;
    stdout.flush().context("cannot write the report")?;
    Ok(if report::fails(&findings, fail_on) {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn load_config(cli: &Cli) -> Result<Config> {
    let path = match &cli.config {
        Some(path) => Some(path.clone()),
        None => {
            let cwd = std::env::current_dir().context("cannot read the working directory")?;
            Config::discover(&cwd)
        }
    };
    match path {
        Some(path) => {
            if cli.verbose {
                eprintln!("using configuration {}", path.display());
            }
            Ok(Config::load(&path)?)
        }
        None => Ok(Config::default()),
    }
}

fn print_rules() {
    let width = Rule::ALL.iter().map(|r| r.id().len()).max().unwrap_or(0);
    for rule in Rule::ALL {
        println!(
            "{:width$}  {:7}  {}",
            rule.id(),
            rule.default_severity().as_str(),
            rule.summary()
        );
    }
}

/// `a: b: c` from an error and its causes, skipping causes already spelled out by the
/// message before them.
fn error_chain(error: &anyhow::Error) -> String {
    let mut line = error.to_string();
    let mut previous = line.clone();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !previous.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        previous = text;
    }
    line
}

/// Parses `500ms`, `30s`, `2min`, `1h`, or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: u64 = number
        .parse()
        .map_err(|_| format!("invalid duration {text:?}"))?;
    let millis = match unit.trim() {
        "ms" => value,
        "" | "s" => value * 1000,
        "m" | "min" => value * 60_000,
        "h" => value * 3_600_000,
        other => return Err(format!("unknown unit {other:?} (use ms, s, min or h)")),
    };
    if millis == 0 {
        return Err("the statement timeout must be positive".into());
    }
    Ok(Duration::from_millis(millis))
}
