//! The expression tree the parser builds and the rules read.

use std::fmt;

/// A parsed SQL expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A column reference, possibly qualified (`t.col`); parts unquoted.
    Column(Vec<String>),
    /// A function call; `name` possibly schema-qualified.
    Call { name: Vec<String>, args: Vec<Expr> },
    /// `( SELECT target [AS alias], ... [FROM ...])`; `simple` when it has no FROM or other
    /// clause, so it is evaluated once per statement.
    SubQuery { targets: Vec<Expr>, simple: bool },
    /// `expr::type`.
    Cast(Box<Expr>, String),
    /// `left op right`, for any operator, including `IS` and `IS NOT`.
    Binary {
        op: String,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a AND b AND ...`
    And(Vec<Expr>),
    /// `a OR b OR ...`
    Or(Vec<Expr>),
    /// `NOT a`
    Not(Box<Expr>),
    /// A string, number, boolean or NULL literal.
    Literal(String),
    /// Anything else, with the sub-expressions found inside it.
    Other(Vec<Expr>),
}

impl Expr {
    /// This expression with any casts around it removed.
    pub fn strip_casts(&self) -> &Expr {
        match self {
            Expr::Cast(inner, _) => inner.strip_casts(),
            other => other,
        }
    }
}

impl fmt::Display for Expr {
    /// A compact rendering for messages; not guaranteed to be valid SQL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Column(parts) => write!(f, "{}", parts.join(".")),
            Expr::Call { name, .. } => write!(f, "{}(...)", name.join(".")),
            Expr::SubQuery { .. } => write!(f, "(SELECT ...)"),
            Expr::Cast(inner, ty) => write!(f, "{inner}::{ty}"),
            Expr::Binary { op, left, right } => write!(f, "{left} {op} {right}"),
            Expr::And(_) => write!(f, "... AND ..."),
            Expr::Or(_) => write!(f, "... OR ..."),
            Expr::Not(inner) => write!(f, "NOT {inner}"),
            Expr::Literal(s) => write!(f, "{s}"),
            Expr::Other(_) => write!(f, "..."),
        }
    }
}
