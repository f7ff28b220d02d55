//! The catalog model: what the rules know about a database.
//!
//! The model holds plain data with no reference to where it came from, so a live loader
//! (reading `pg_catalog`) and an offline loader (replaying migration files) fill the same
//! types. Identifiers are stored unquoted, exactly as PostgreSQL stores them.

mod catalog;
mod policy;
mod relation;
mod role;

pub use catalog::{Catalog, Extension};
pub use policy::{Policy, PolicyCommand};
pub use relation::{
    quote_ident, Column, ColumnDefault, ForeignKey, Index, IndexKey, QualifiedName, Relation,
    RelationId, RelationKind, ViewOptions,
};
pub use role::{Privilege, Role, PUBLIC_GRANTEE};
