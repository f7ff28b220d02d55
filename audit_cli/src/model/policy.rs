//! Row-level security policies.

/// The command a policy applies to (`FOR ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyCommand {
    /// `FOR ALL`.
    All,
    /// `FOR SELECT`.
    Select,
    /// `FOR INSERT`.
    Insert,
    /// `FOR UPDATE`.
    Update,
    /// `FOR DELETE`.
    Delete,
}

impl PolicyCommand {
    /// Whether the policy controls which rows may be written (INSERT or UPDATE).
    pub fn writes(self) -> bool {
        matches!(self, Self::All | Self::Insert | Self::Update)
    }

    /// Whether the policy's USING clause filters visible rows for this command.
    pub fn has_using(self) -> bool {
        !matches!(self, Self::Insert)
    }

    /// SQL keyword.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::All => "ALL",
            Self::Select => "SELECT",
            Self::Insert => "INSERT",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
        }
    }
}

/// One row-level security policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Policy name.
    pub name: String,
    /// Command it applies to.
    pub command: PolicyCommand,
    /// Roles it applies to; `PUBLIC` is written as `public`.
    pub roles: Vec<String>,
    /// `AS PERMISSIVE` (ORed with other permissive policies) or restrictive (ANDed).
    pub permissive: bool,
    /// `USING` expression as PostgreSQL deparses it.
    pub using: Option<String>,
    /// `WITH CHECK` expression as PostgreSQL deparses it.
    pub with_check: Option<String>,
}

impl Policy {
    /// The expression that new rows must pass: `WITH CHECK`, or `USING` where PostgreSQL falls
    /// back to it (ALL and UPDATE policies without `WITH CHECK`).
    pub fn effective_check(&self) -> Option<&str> {
        match (&self.with_check, self.command) {
            (Some(check), _) => Some(check),
            (None, PolicyCommand::All | PolicyCommand::Update) => self.using.as_deref(),
            (None, _) => None,
        }
    }
}
