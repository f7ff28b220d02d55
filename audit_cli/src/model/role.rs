//! Roles and table privileges.

/// The grantee name used for privileges granted to `PUBLIC`.
pub const PUBLIC_GRANTEE: &str = "PUBLIC";

/// A database role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Role name.
    pub name: String,
    /// `LOGIN`.
    pub login: bool,
    /// `SUPERUSER`: bypasses row-level security always.
    pub superuser: bool,
    /// `BYPASSRLS`.
    pub bypass_rls: bool,
    /// Roles this role is a member of (directly).
    pub member_of: Vec<String>,
}

/// One privilege granted on a relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Privilege {
    /// Role name, or [`PUBLIC_GRANTEE`].
    pub grantee: String,
    /// `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`, `REFERENCES` or `TRIGGER`.
    pub privilege: String,
}
