//! Errors of the audit library. Each renders as one line; causes are kept as sources.

use std::path::PathBuf;

/// Anything that stops an audit from running.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The configuration file could not be read.
    #[error("cannot read configuration {path}")]
    ConfigRead {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The configuration file is not valid (unknown key, bad value).
    #[error("invalid configuration {path}: {message}")]
    ConfigInvalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
    /// The connection string or a `PG*` variable is malformed.
    #[error("invalid connection settings: {0}")]
    ConnectionSettings(String),
    /// TLS could not be set up (bad root certificate, unsupported mode).
    #[error("cannot set up TLS: {0}")]
    TlsSetup(String),
    /// The server could not be reached, refused us, or is not PostgreSQL.
    #[error("cannot connect to {target}")]
    Connect {
        /// `host:port/dbname` we tried.
        target: String,
        /// Why.
        #[source]
        source: postgres::Error,
    },
    /// Connecting took longer than the connect timeout.
    #[error(
        "cannot connect to {target}: no answer within {seconds} s (connect timeout; is a \
         PostgreSQL server listening there?)"
    )]
    ConnectTimeout {
        /// `host:port/dbname` we tried.
        target: String,
        /// The timeout.
        seconds: u64,
    },
    /// A catalog query failed.
    #[error("catalog query {query} failed")]
    Query {
        /// The query's file name under `sql/catalog/`.
        query: &'static str,
        /// Why.
        #[source]
        source: postgres::Error,
    },
    /// A catalog query was cancelled by the statement timeout.
    #[error("catalog query {query} exceeded the statement timeout of {timeout}")]
    StatementTimeout {
        /// The query's file name under `sql/catalog/`.
        query: &'static str,
        /// The timeout as given.
        timeout: String,
    },
    /// A baseline file could not be read or written.
    #[error("cannot use baseline {path}")]
    Baseline {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A baseline file is not valid JSON of the expected shape.
    #[error("invalid baseline {path}: {message}")]
    BaselineInvalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}
