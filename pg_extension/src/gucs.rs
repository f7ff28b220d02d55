//! The settings that carry the cauldron context.
//!
//! The context lives in settings, not in backend memory, because PostgreSQL copies every
//! setting into parallel workers: a value kept in a Rust static would be invisible to them.
//!
//! Two settings split the context by lifetime:
//! - `cauldron.id` holds what `cauldron.enter(id)` set for the current transaction. `enter`
//!   always sets it as `SET LOCAL` does, so COMMIT, ROLLBACK and ROLLBACK TO SAVEPOINT undo it
//!   through PostgreSQL's own setting stack. It is excluded from `RESET ALL`, so an ordinary
//!   role inside a pooler's transaction cannot wipe it and fall through to another cauldron.
//! - `cauldron.session_id` holds what `cauldron.enter(id, session => true)` set. `RESET ALL`
//!   and `DISCARD ALL` clear it, which is what a session-mode pooler runs between clients.
//!
//! Both are `PGC_SUSET`: only superusers, or roles a DBA granted `SET` on the parameter, can
//! write them directly. A placeholder set before the library is loaded (by `SET`, a connection
//! option, or a function's `SET` clause) is re-checked against that rule when the library
//! loads, and discarded with a WARNING if its setter lacked the privilege.

use crate::tenant_id;
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::pg_sys;
use std::ffi::{c_char, c_void, CStr, CString};

/// Transaction context, written only by `cauldron.enter`.
pub static TRANSACTION_ID: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
/// Session context, written by `cauldron.enter(id, session => true)`.
pub static SESSION_ID: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
/// The DBA's fallback, usually set per database or role.
pub static DEFAULT_ID: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);

pub const TRANSACTION_ID_NAME: &CStr = c"cauldron.id";
pub const SESSION_ID_NAME: &CStr = c"cauldron.session_id";
pub const DEFAULT_ID_NAME: &CStr = c"cauldron.default_id";

/// Registers the settings; called once per backend from `_PG_init`.
pub fn define() {
    // SAFETY: the check hook is an `extern "C-unwind"` function guarded by `#[pg_guard]`, and
    // the statics live for the whole backend as PostgreSQL requires of a setting's variable.
    unsafe {
        GucRegistry::define_string_guc_with_hooks(
            TRANSACTION_ID_NAME,
            c"The cauldron entered in the current transaction.",
            c"Set by cauldron.enter(); reverts when the transaction ends.",
            &TRANSACTION_ID,
            GucContext::Suset,
            GucFlags::NO_RESET_ALL | GucFlags::DISALLOW_IN_FILE,
            Some(check_cauldron_id),
            None,
            None,
        );
        GucRegistry::define_string_guc_with_hooks(
            SESSION_ID_NAME,
            c"The cauldron entered for the session.",
            c"Set by cauldron.enter(id, session => true); cleared by RESET ALL and DISCARD ALL.",
            &SESSION_ID,
            GucContext::Suset,
            GucFlags::DISALLOW_IN_FILE,
            Some(check_cauldron_id),
            None,
            None,
        );
        GucRegistry::define_string_guc_with_hooks(
            DEFAULT_ID_NAME,
            c"The cauldron used when none was entered.",
            c"Usually set per database: ALTER DATABASE app SET cauldron.default_id = 'pilot'.",
            &DEFAULT_ID,
            GucContext::Suset,
            GucFlags::default(),
            Some(check_cauldron_id),
            None,
            None,
        );
    }
}

/// Reads a string setting without copying it: `None` when unset or empty.
///
/// The returned slice borrows PostgreSQL's own copy of the value, so it must be used before
/// anything can change the setting (every caller converts it to a datum at once).
pub fn read(setting: &'static GucSetting<Option<CString>>) -> Option<&'static str> {
    // SAFETY: the setting's variable is a plain pointer that PostgreSQL updates in place; it
    // is only ever read on the backend's one thread.
    let raw = unsafe { *setting.as_ptr() };
    if raw.is_null() {
        return None;
    }
    // SAFETY: PostgreSQL keeps a NUL-terminated string here for as long as the value is
    // current; the check hook only lets ASCII ids through, so the bytes are valid UTF-8.
    let value = unsafe { CStr::from_ptr(raw) };
    match value.to_bytes() {
        [] => None,
        bytes => std::str::from_utf8(bytes).ok(),
    }
}

/// How a context setting is written.
#[derive(Clone, Copy)]
pub enum Scope {
    /// As `SET LOCAL`: undone when the transaction or savepoint ends.
    Transaction,
    /// As `SET`: kept after COMMIT.
    Session,
}

/// Writes a context setting with superuser context: the caller's right to do so is checked
/// by EXECUTE on the SQL function that calls this, not by the setting's own privilege.
pub fn write(name: &CStr, value: &str, scope: Scope) {
    let value = CString::new(value).expect("validated ids contain no NUL");
    let action = match scope {
        Scope::Transaction => pg_sys::GucAction::GUC_ACTION_LOCAL,
        Scope::Session => pg_sys::GucAction::GUC_ACTION_SET,
    };
    // SAFETY: both strings are NUL-terminated and outlive the call; with elevel ERROR
    // PostgreSQL raises instead of returning on failure.
    unsafe {
        pg_sys::set_config_option(
            name.as_ptr(),
            value.as_ptr(),
            pg_sys::GucContext::PGC_SUSET,
            pg_sys::GucSource::PGC_S_SESSION,
            action,
            true,
            pgrx::PgLogLevel::ERROR as i32,
            false,
        );
    }
}

/// Refuses any value that is not empty (unset) or a valid cauldron id, whoever sets it.
#[pgrx::pg_guard]
unsafe extern "C-unwind" fn check_cauldron_id(
    newval: *mut *mut c_char,
    _extra: *mut *mut c_void,
    _source: pg_sys::GucSource::Type,
) -> bool {
    // SAFETY: PostgreSQL passes a valid pointer to the candidate string, NULL only for a
    // string setting without a boot value, which these settings are before the first SET.
    let candidate = unsafe {
        let value = *newval;
        if value.is_null() {
            return true;
        }
        CStr::from_ptr(value)
    };
    let text = match candidate.to_str() {
        Ok("") => return true,
        Ok(text) => text,
        Err(_) => {
            report_invalid(
                "cauldron id is not valid UTF-8",
                "The value has invalid bytes.",
            );
            return false;
        }
    };
    match tenant_id::validate(text) {
        Ok(()) => true,
        Err(invalid) => {
            report_invalid(&invalid.message(), &invalid.detail());
            false
        }
    }
}

fn report_invalid(message: &str, detail: &str) {
    let hint = format!("{}.", capitalise(tenant_id::RULE));
    // SAFETY: the GUC_check_* variables take palloc'd strings, which pstrdup provides; they
    // are read by PostgreSQL right after the hook returns false.
    unsafe {
        pg_sys::GUC_check_errcode(pgrx::PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE as i32);
        pg_sys::GUC_check_errmsg_string = palloc_string(message);
        pg_sys::GUC_check_errdetail_string = palloc_string(detail);
        pg_sys::GUC_check_errhint_string = palloc_string(&hint);
    }
}

fn palloc_string(text: &str) -> *mut c_char {
    let owned = CString::new(text.replace('\0', "")).expect("NULs removed");
    // SAFETY: pstrdup copies the NUL-terminated string into the current memory context.
    unsafe { pg_sys::pstrdup(owned.as_ptr()) }
}

/// Capitalises the first letter, for a HINT sentence built from the rule text.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
