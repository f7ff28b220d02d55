//! The registry of cauldrons: which ids exist and which are disabled.
//!
//! The tables are created by `sql/registry.sql`; these functions are the supported way to
//! change them, with the id rule and the error codes of the rest of the extension.

use crate::{errors, tenant_id};
use pgrx::prelude::*;

/// Raises unless `id` is registered and enabled. Called by `enter`, which runs as the
/// extension's owner, so the caller needs no privilege on the registry.
pub fn require_enabled(id: &str) {
    // OPERATOR(pg_catalog.=) keeps a caller's search_path from redirecting the comparison.
    let disabled = Spi::get_one_with_args::<bool>(
        "SELECT disabled FROM cauldron.cauldrons WHERE id OPERATOR(pg_catalog.=) $1",
        &[id.into()],
    );
    match disabled {
        Ok(Some(false)) => {}
        Ok(Some(true)) => errors::raise_disabled(id),
        Ok(None) | Err(pgrx::spi::Error::InvalidPosition) => errors::raise_unknown(id),
        Err(other) => error!("cannot read cauldron.cauldrons: {other}"),
    }
}

#[pg_schema]
mod cauldron {
    use super::*;

    /// Registers a cauldron. VOLATILE: it writes the registry.
    #[pg_extern(volatile, parallel_unsafe)]
    fn create_cauldron(id: Option<&str>, name: Option<&str>) -> String {
        let id = id.unwrap_or_else(|| errors::raise_null_argument("create_cauldron", "id"));
        let name = name.unwrap_or_else(|| errors::raise_null_argument("create_cauldron", "name"));
        if let Err(invalid) = tenant_id::validate(id) {
            errors::raise_invalid_id(&invalid);
        }
        let inserted = Spi::get_one_with_args::<String>(
            "INSERT INTO cauldron.cauldrons (id, name) VALUES ($1, $2) \
             ON CONFLICT (id) DO NOTHING RETURNING id",
            &[id.into(), name.into()],
        );
        match inserted {
            Ok(Some(id)) => id,
            Ok(None) | Err(pgrx::spi::Error::InvalidPosition) => errors::raise_duplicate(id),
            Err(other) => error!("cannot write cauldron.cauldrons: {other}"),
        }
    }

    /// Disables a cauldron: `enter` refuses it from now on. Rows stay where they are.
    #[pg_extern(volatile, parallel_unsafe)]
    fn disable_cauldron(id: Option<&str>) -> String {
        let id = id.unwrap_or_else(|| errors::raise_null_argument("disable_cauldron", "id"));
        super::set_disabled(id, true)
    }

    /// Re-enables a disabled cauldron.
    #[pg_extern(volatile, parallel_unsafe)]
    fn enable_cauldron(id: Option<&str>) -> String {
        let id = id.unwrap_or_else(|| errors::raise_null_argument("enable_cauldron", "id"));
        super::set_disabled(id, false)
    }
}

fn set_disabled(id: &str, disabled: bool) -> String {
    if let Err(invalid) = tenant_id::validate(id) {
        errors::raise_invalid_id(&invalid);
    }
    let updated = Spi::get_one_with_args::<String>(
        "UPDATE cauldron.cauldrons SET disabled = $2 WHERE id OPERATOR(pg_catalog.=) $1 \
         RETURNING id",
        &[id.into(), disabled.into()],
    );
    match updated {
        Ok(Some(id)) => id,
        Ok(None) | Err(pgrx::spi::Error::InvalidPosition) => errors::raise_unknown(id),
        Err(other) => error!("cannot write cauldron.cauldrons: {other}"),
    }
}
