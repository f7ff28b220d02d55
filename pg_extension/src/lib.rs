//! `cauldron`: multi-tenant isolation for PostgreSQL.
//!
//! A *cauldron* is a tenant. Every tenant-owned table carries `cauldron_id varchar(50) NOT
//! NULL`; row-level security compares it with `current_cauldron()`, which this extension
//! resolves from a context that ordinary roles cannot forge.

use pgrx::prelude::*;

mod context;
mod errors;
mod guard;
mod gucs;
mod registry;
mod tenant_id;

pgrx::pg_module_magic!();

extension_sql_file!("../sql/registry.sql", name = "registry", bootstrap);
extension_sql_file!(
    "../sql/isolation.sql",
    name = "isolation",
    requires = ["registry"]
);
extension_sql_file!(
    "../sql/foreign_keys.sql",
    name = "foreign_keys",
    requires = ["registry"]
);
extension_sql_file!(
    "../sql/status.sql",
    name = "status",
    requires = ["isolation", "foreign_keys", "guard"]
);
extension_sql_file!("../sql/guard.sql", name = "guard", requires = ["isolation"]);
extension_sql_file!("../sql/privileges.sql", name = "privileges", finalize);

/// Registers the settings. Runs once per backend, when the library is first loaded.
#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    gucs::define();
    guard::define();
    // Reserving the prefix turns a typo such as `SET cauldron.idd` into an error, and stops
    // anyone from creating placeholders under it once the library is loaded.
    // SAFETY: called from _PG_init with a static NUL-terminated string.
    unsafe { pg_sys::MarkGUCPrefixReserved(c"cauldron".as_ptr()) };
}

#[cfg(any(test, feature = "pg_test"))]
mod test_suite;

/// Required by `cargo pgrx test`.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}
