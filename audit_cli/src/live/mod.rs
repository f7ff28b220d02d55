//! Reading a live database into the catalog model.
//!
//! [`ConnectionSettings`] resolves where to connect the way libpq does (connection string,
//! then `PG*` variables, then defaults); [`connect`] opens the connection, with TLS when
//! `sslmode` asks for it; [`load`] reads the catalog in a constant number of queries inside
//! one read-only, repeatable-read transaction.

mod acl;
mod connect;
mod conninfo;
mod connstring;
mod loader;
mod policy_groups;
mod rows;
mod tls;

pub use connect::connect;
pub use conninfo::{ConnectionSettings, SslMode};
pub use loader::{load, LoadOptions, LoadStats, QueryTiming};
