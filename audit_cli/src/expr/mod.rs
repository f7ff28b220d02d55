//! Understanding policy expressions.
//!
//! PostgreSQL stores a policy's `USING` and `WITH CHECK` clauses as parse trees and deparses
//! them with `pg_get_expr()` into a canonical text: every operator expression parenthesised,
//! casts written `(x)::type`, functions schema-qualified when not on the search path, and
//! scalar subqueries as `( SELECT f() AS f)`. This module reads that text into a small
//! [`Expr`] tree so the rules can reason about conditions instead of matching strings.

mod ast;
mod parser;
mod tenant;
mod token;

pub use parser::{parse, Expr, ParseError};
pub use tenant::{calls_function_per_row, is_tenant_condition, TenantCondition};
pub use token::{tokenize, Token};

/// Whether `word` is a reserved SQL keyword that must be quoted as an identifier.
pub fn is_reserved_keyword(word: &str) -> bool {
    const RESERVED: &[&str] = &[
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "column",
        "constraint",
        "create",
        "current_catalog",
        "current_date",
        "current_role",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "from",
        "grant",
        "group",
        "having",
        "in",
        "initially",
        "intersect",
        "into",
        "lateral",
        "leading",
        "limit",
        "localtime",
        "localtimestamp",
        "not",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "placing",
        "primary",
        "references",
        "returning",
        "select",
        "session_user",
        "some",
        "symmetric",
        "table",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "when",
        "where",
        "window",
        "with",
    ];
    RESERVED.contains(&word)
}
