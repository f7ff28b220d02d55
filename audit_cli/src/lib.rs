//! `cauldron-audit`: proves that a PostgreSQL database is safe for many cauldrons (tenants).
//!
//! The auditor reads a database into a [`model::Catalog`], runs the [`rules`] over it with the
//! project's [`config::Config`], and renders the resulting [`finding::Finding`]s in one of the
//! [`report`] formats. The live loader ([`live`]) fills the catalog from a running server; an
//! offline loader replaying migration files can fill the same model.

pub mod audit;
pub mod baseline;
pub mod config;
pub mod error;
pub mod expr;
pub mod finding;
pub mod live;
pub mod model;
pub mod report;
pub mod rules;

pub use audit::audit;
pub use error::AuditError;
pub use finding::{Finding, Severity};
pub use rules::Rule;
