//! Every error the tenant context raises, each with its own SQLSTATE, a short lowercase
//! message, the values in DETAIL and the remedy in HINT.

use crate::gucs::capitalise;
use crate::tenant_id::{self, InvalidId};
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::PgSqlErrorCode;

/// No cauldron is set: fail closed rather than return rows of no cauldron or of every one.
pub fn raise_no_context() -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
        "no cauldron is set for this transaction".into(),
        "Neither cauldron.enter() nor cauldron.default_id gave a cauldron id.".into(),
        "Call SELECT cauldron.enter('<cauldron id>') at the start of the transaction, or have \
         a DBA set cauldron.default_id for this database or role."
            .into(),
    )
}

/// An id that breaks the documented rule; SQLSTATE 22023 like every invalid parameter.
pub fn raise_invalid_id(invalid: &InvalidId) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        invalid.message(),
        invalid.detail(),
        format!("{}.", capitalise(tenant_id::RULE)),
    )
}

/// A second, different `enter` in one transaction: the first one's rows may already be in
/// this transaction's cursors and temporary results.
pub fn raise_switch_refused(current: &str, requested: &str) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_ACTIVE_SQL_TRANSACTION,
        "this transaction already entered another cauldron".into(),
        format!("The transaction is in cauldron \"{current}\"; \"{requested}\" was requested."),
        "Call cauldron.exit() first, or enter the cauldron in a new transaction.".into(),
    )
}

/// A switch while a cursor could still hand out the earlier cauldron's rows.
pub fn raise_cursors_open(reason: &str) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
        "cannot switch cauldrons while cursors are open".into(),
        format!("{}.", capitalise(reason)),
        "Close them first: CLOSE ALL.".into(),
    )
}

/// An id that is not in the registry.
pub fn raise_unknown(id: &str) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
        format!("cauldron \"{id}\" does not exist"),
        format!("No row of cauldron.cauldrons has id \"{id}\"."),
        "A DBA registers cauldrons with cauldron.create_cauldron(id, name).".into(),
    )
}

/// An id the registry knows but has disabled.
pub fn raise_disabled(id: &str) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
        format!("cauldron \"{id}\" is disabled"),
        format!("cauldron.cauldrons marks \"{id}\" as disabled."),
        "A DBA re-enables it with cauldron.enable_cauldron(id).".into(),
    )
}

/// A registry id that is taken.
pub fn raise_duplicate(id: &str) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_DUPLICATE_OBJECT,
        format!("cauldron \"{id}\" already exists"),
        format!("cauldron.cauldrons already has a row with id \"{id}\"."),
        "Pick another id, or use the existing cauldron.".into(),
    )
}

/// A NULL where a value is required. The functions are not STRICT on purpose: a STRICT
/// function called with NULL silently returns NULL, which a caller would read as success.
pub fn raise_null_argument(function: &str, argument: &str) -> ! {
    raise(
        PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
        format!("{argument} must not be NULL"),
        format!("cauldron.{function}() was called with a NULL {argument}."),
        format!("Pass a value for {argument}."),
    )
}

fn raise(code: PgSqlErrorCode, message: String, detail: String, hint: String) -> ! {
    ErrorReport::new(code, message, "")
        .set_detail(detail)
        .set_hint(hint)
        .report(PgLogLevel::ERROR);
    unreachable!("an ERROR report does not return")
}
