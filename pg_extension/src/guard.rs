//! The DDL guard's Rust half: its setting, who may change it, and the per-transaction
//! permission that lets `release()` drop an isolation policy the guard would otherwise
//! refuse to see dropped. The checks themselves are event triggers in `sql/guard.sql`.

use crate::gucs::capitalise;
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::PgSqlErrorCode;
use std::cell::RefCell;
use std::ffi::{c_int, c_void, CString};

/// What the guard does when DDL leaves a table without tenant safety.
#[derive(PostgresGucEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum GuardMode {
    /// Nothing.
    #[name = c"off"]
    Off,
    /// A WARNING; the statement goes through.
    #[name = c"warn"]
    Warn,
    /// The statement is rejected.
    #[name = c"enforce"]
    Enforce,
    /// New tables get the tenant column and isolation; other problems are rejected.
    #[name = c"auto"]
    Auto,
}

impl GuardMode {
    fn as_str(self) -> &'static str {
        match self {
            GuardMode::Off => "off",
            GuardMode::Warn => "warn",
            GuardMode::Enforce => "enforce",
            GuardMode::Auto => "auto",
        }
    }
}

/// `enforce` until a DBA says otherwise. Failing closed matters beyond the first install: a
/// refused change (say, an ordinary role's connection option) falls back to this value, not
/// to the database's setting, so the fallback must be the strict one.
pub static GUARD: GucSetting<GuardMode> = GucSetting::<GuardMode>::new(GuardMode::Enforce);

/// Registers `cauldron.guard`.
///
/// It is a user-settable setting with a check hook rather than a superuser-only one,
/// because the database owner must be able to change it too, which `PGC_SUSET` does not
/// allow without a grant per owner.
pub fn define() {
    // SAFETY: the hook is guarded by #[pg_guard]; the static lives for the backend.
    unsafe {
        GucRegistry::define_enum_guc_with_hooks(
            c"cauldron.guard",
            c"What DDL that leaves a table without tenant safety meets.",
            c"off, warn, enforce or auto. Only a superuser or the database owner may change it.",
            &GUARD,
            GucContext::Userset,
            GucFlags::default(),
            Some(check_guard_change),
            None,
            None,
        );
    }
}

/// Refuses a change of `cauldron.guard` by anyone but a superuser or the database owner,
/// for every source a role controls: SET and set_config (session), ALTER ROLE/DATABASE SET
/// (validated as "test"), connection options (client) and interactive settings.
#[pg_guard]
unsafe extern "C-unwind" fn check_guard_change(
    _newval: *mut c_int,
    _extra: *mut *mut c_void,
    source: pg_sys::GucSource::Type,
) -> bool {
    use pg_sys::GucSource::*;
    if !matches!(
        source,
        PGC_S_CLIENT | PGC_S_INTERACTIVE | PGC_S_TEST | PGC_S_SESSION
    ) {
        return true;
    }
    // SAFETY: plain reads of backend globals and catalog lookups, the latter only inside a
    // transaction where the syscache may be used.
    unsafe {
        if pg_sys::InitializingParallelWorker {
            // The leader checked the value before handing it over.
            return true;
        }
        if !pg_sys::IsTransactionState() {
            // Only connection options arrive outside a transaction, before any catalog can
            // be read; refusing them is the conservative choice.
            return refuse("cauldron.guard cannot be set in connection options");
        }
        let user = pg_sys::GetUserId();
        if pg_sys::superuser() || owns_current_database(user) {
            return true;
        }
    }
    refuse("only a superuser or the database owner can change cauldron.guard")
}

fn refuse(message: &str) -> bool {
    let hint = capitalise("ask a superuser or the owner of the database to change it.");
    // SAFETY: the GUC_check_* variables take palloc'd strings, read right after we return.
    unsafe {
        pg_sys::GUC_check_errcode(PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE as i32);
        let message = CString::new(message).expect("static text");
        pg_sys::GUC_check_errmsg_string = pg_sys::pstrdup(message.as_ptr());
        let hint = CString::new(hint).expect("static text");
        pg_sys::GUC_check_errhint_string = pg_sys::pstrdup(hint.as_ptr());
    }
    false
}

/// # Safety
/// Must run inside a transaction (it reads the catalog).
unsafe fn owns_current_database(user: pg_sys::Oid) -> bool {
    #[cfg(any(feature = "pg13", feature = "pg14", feature = "pg15"))]
    // SAFETY: the caller guarantees a transaction.
    unsafe {
        pg_sys::pg_database_ownercheck(pg_sys::MyDatabaseId, user)
    }
    #[cfg(not(any(feature = "pg13", feature = "pg14", feature = "pg15")))]
    // SAFETY: the caller guarantees a transaction.
    unsafe {
        pg_sys::object_ownercheck(pg_sys::DatabaseRelationId, pg_sys::MyDatabaseId, user)
    }
}

fn owns_table(relid: pg_sys::Oid) -> bool {
    // SAFETY: SQL functions run inside a transaction.
    unsafe {
        let user = pg_sys::GetUserId();
        #[cfg(any(feature = "pg13", feature = "pg14", feature = "pg15"))]
        let owner = pg_sys::pg_class_ownercheck(relid, user);
        #[cfg(not(any(feature = "pg13", feature = "pg14", feature = "pg15")))]
        let owner = pg_sys::object_ownercheck(pg_sys::RelationRelationId, relid, user);
        owner
    }
}

fn local_transaction_id() -> u32 {
    // SAFETY: MyProc is set for every backend that can run SQL.
    unsafe {
        #[cfg(not(any(feature = "pg17", feature = "pg18")))]
        let lxid = (*pg_sys::MyProc).lxid;
        #[cfg(any(feature = "pg17", feature = "pg18"))]
        let lxid = (*pg_sys::MyProc).vxid.lxid;
        lxid
    }
}

thread_local! {
    /// Tables whose isolation policy may be dropped in the current transaction, with the
    /// local transaction id that permission belongs to.
    static ALLOWED: RefCell<Vec<(u32, pg_sys::Oid)>> = const { RefCell::new(Vec::new()) };
}

#[pg_schema]
mod cauldron {
    use super::*;

    /// The guard's current mode. Calling it also loads the library, so the event triggers
    /// always read a defined setting.
    #[pg_extern(stable, parallel_safe)]
    fn guard_mode() -> &'static str {
        GUARD.get().as_str()
    }

    /// Lets the current transaction change `relid`'s isolation (drop or fix its policy)
    /// without the guard objecting, until guard_done(). Only the table's owner may ask: that
    /// is who may call isolate() and release() anyway.
    #[pg_extern(volatile, parallel_unsafe)]
    fn guard_allow(relid: pg_sys::Oid) {
        if !owns_table(relid) {
            ErrorReport::new(
                PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE,
                "must be the owner of the table to change its isolation",
                "",
            )
            .set_detail(format!("Table OID {}.", relid.to_u32()))
            .report(PgLogLevel::ERROR);
        }
        let now = local_transaction_id();
        ALLOWED.with(|allowed| {
            let mut allowed = allowed.borrow_mut();
            allowed.retain(|(transaction, _)| *transaction == now);
            allowed.push((now, relid));
        });
    }

    /// Ends the permission guard_allow() gave, once the helper that asked is done.
    #[pg_extern(volatile, parallel_unsafe)]
    fn guard_done(relid: pg_sys::Oid) {
        ALLOWED.with(|allowed| {
            allowed
                .borrow_mut()
                .retain(|(_, allowed)| *allowed != relid)
        });
    }

    /// Whether guard_allow() was called for `relid` in the current transaction.
    #[pg_extern(stable, parallel_restricted)]
    fn guard_allowed(relid: pg_sys::Oid) -> bool {
        let now = local_transaction_id();
        ALLOWED.with(|allowed| allowed.borrow().contains(&(now, relid)))
    }
}
