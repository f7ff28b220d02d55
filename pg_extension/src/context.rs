//! The tenant context: which cauldron the current statement runs in, and how it is entered.
//!
//! Resolution order, first non-empty wins: the transaction's `enter`, the session's `enter`,
//! the DBA's `cauldron.default_id`, otherwise an error (fail closed).

use crate::gucs::{self, Scope};
use crate::{errors, registry, tenant_id};
use pgrx::prelude::*;

/// Where the current context comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Source {
    Transaction,
    Session,
    Default,
    None,
}

impl Source {
    /// The word `cauldron.context()` reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Transaction => "transaction",
            Source::Session => "session",
            Source::Default => "default",
            Source::None => "none",
        }
    }
}

/// The current cauldron and its source, without raising.
pub fn resolve() -> (Option<&'static str>, Source) {
    if let Some(id) = gucs::read(&gucs::TRANSACTION_ID) {
        return (Some(id), Source::Transaction);
    }
    if let Some(id) = gucs::read(&gucs::SESSION_ID) {
        return (Some(id), Source::Session);
    }
    if let Some(id) = gucs::read(&gucs::DEFAULT_ID) {
        return (Some(id), Source::Default);
    }
    (None, Source::None)
}

/// The current cauldron id.
///
/// STABLE because the value cannot change within a statement except by `enter` in the same
/// statement; PARALLEL SAFE because workers receive the leader's settings. Declared by hand
/// to return `varchar`, the tenant column's type, so comparisons need no cast.
#[pg_extern(sql = r#"
CREATE FUNCTION current_cauldron() RETURNS varchar
    LANGUAGE c STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'current_cauldron_wrapper';
COMMENT ON FUNCTION current_cauldron() IS
    'The current cauldron: the transaction''s cauldron.enter(), else the session''s, '
    'else cauldron.default_id; raises when none is set.';
"#)]
fn current_cauldron() -> &'static str {
    match resolve() {
        (Some(id), _) => id,
        (None, _) => errors::raise_no_context(),
    }
}

/// Whether a cursor (DECLARE, or a named protocol-level portal) is open. Its remaining rows
/// were selected under the current cauldron, so switching must wait until it is closed.
fn named_cursor_open() -> bool {
    Spi::get_one::<bool>(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_cursors \
                        WHERE name OPERATOR(pg_catalog.<>) '')",
    )
    .ok()
    .flatten()
    .unwrap_or(true)
}

/// Whether a WITH HOLD cursor survives from an earlier transaction: its rows belong to
/// whatever cauldron that transaction was in.
fn held_cursor_from_earlier_transaction() -> bool {
    Spi::get_one::<bool>(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_cursors \
                        WHERE is_holdable \
                          AND creation_time OPERATOR(pg_catalog.<) pg_catalog.now())",
    )
    .ok()
    .flatten()
    .unwrap_or(true)
}

#[pg_schema]
mod cauldron {
    use super::*;

    /// Enters a cauldron for the rest of the transaction, or the session.
    ///
    /// SECURITY DEFINER so it can read the registry, which ordinary roles cannot; EXECUTE is
    /// revoked from PUBLIC, so holding EXECUTE is the right to switch cauldrons. VOLATILE:
    /// it changes state.
    ///
    /// `search_path` is pinned, as every SECURITY DEFINER function should have it, so that
    /// objects in a caller's schemas cannot stand in for the ones it uses (its queries are
    /// schema-qualified as well). The `cauldron.id` it sets still outlives the call: a
    /// function's SET clause restores only the settings it names.
    #[pg_extern(volatile, parallel_unsafe, security_definer)]
    #[search_path(pg_catalog, pg_temp)]
    fn enter(id: Option<&str>, session: default!(Option<bool>, false)) -> String {
        let id = id.unwrap_or_else(|| errors::raise_null_argument("enter", "id"));
        let session = session.unwrap_or_else(|| errors::raise_null_argument("enter", "session"));
        if let Err(invalid) = tenant_id::validate(id) {
            errors::raise_invalid_id(&invalid);
        }
        registry::require_enabled(id);

        if let Some(current) = gucs::read(&gucs::TRANSACTION_ID) {
            if current != id {
                errors::raise_switch_refused(current, id);
            }
        }
        if held_cursor_from_earlier_transaction() {
            errors::raise_cursors_open("a WITH HOLD cursor from an earlier transaction is open");
        }
        if super::resolve().0 != Some(id) && named_cursor_open() {
            errors::raise_cursors_open("a cursor of the current cauldron is open");
        }
        if session {
            gucs::write(gucs::SESSION_ID_NAME, id, Scope::Session);
        } else {
            gucs::write(gucs::TRANSACTION_ID_NAME, id, Scope::Transaction);
        }
        id.to_string()
    }

    /// Leaves the current cauldron: the transaction's if one was entered, else the
    /// session's. Returns the id left, or NULL when there was none. The database default is
    /// not touched: it is the DBA's, not the session's.
    #[pg_extern(volatile, parallel_unsafe)]
    fn exit() -> Option<String> {
        let (current, source) = super::resolve();
        let left = current.map(str::to_string);
        if current.is_some() && named_cursor_open() {
            errors::raise_cursors_open("a cursor of the current cauldron is open");
        }
        match source {
            Source::Transaction => gucs::write(gucs::TRANSACTION_ID_NAME, "", Scope::Transaction),
            Source::Session => gucs::write(gucs::SESSION_ID_NAME, "", Scope::Session),
            Source::Default | Source::None => return None,
        }
        left
    }

    /// The current cauldron and where it comes from: `transaction`, `session`, `default` or
    /// `none`. Never raises, so monitoring can call it on any connection.
    #[pg_extern(stable, parallel_safe)]
    fn context() -> TableIterator<
        'static,
        (
            name!(cauldron_id, Option<String>),
            name!(source, &'static str),
        ),
    > {
        let (current, source) = super::resolve();
        TableIterator::once((current.map(str::to_string), source.as_str()))
    }
}
