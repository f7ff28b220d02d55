//! Recognising the tenant condition `tenant_column = (SELECT current_cauldron())`.

use super::Expr;

/// What the tenant condition looks like in this database.
#[derive(Debug, Clone, Copy)]
pub struct TenantCondition<'a> {
    /// The tenant column, e.g. `cauldron_id`.
    pub column: &'a str,
    /// The tenant function's name, e.g. `current_cauldron`.
    pub function: &'a str,
    /// The schema the function must live in when the call is qualified; `None` accepts any.
    pub function_schema: Option<&'a str>,
}

/// Whether `expr` holds only for rows of the current cauldron.
///
/// True for `tenant_column = <tenant value>` (either side, casts ignored), for an AND with at
/// least one such conjunct, and for an OR whose every branch is one. A tenant value is the
/// tenant function called with no arguments, bare or as a scalar subquery.
pub fn is_tenant_condition(expr: &Expr, condition: &TenantCondition<'_>) -> bool {
    match expr {
        Expr::And(parts) => parts.iter().any(|p| is_tenant_condition(p, condition)),
        Expr::Or(parts) => parts.iter().all(|p| is_tenant_condition(p, condition)),
        Expr::Binary { op, left, right } if op == "=" => {
            let (left, right) = (left.strip_casts(), right.strip_casts());
            (is_tenant_column(left, condition) && is_tenant_value(right, condition))
                || (is_tenant_column(right, condition) && is_tenant_value(left, condition))
        }
        _ => false,
    }
}

/// Whether `expr` calls the tenant function outside a scalar subquery, so PostgreSQL may
/// evaluate it once per row instead of once per statement.
pub fn calls_function_per_row(expr: &Expr, condition: &TenantCondition<'_>) -> bool {
    match expr {
        Expr::SubQuery { .. } => false,
        Expr::Call { args, .. } => {
            is_tenant_call(expr, condition)
                || args.iter().any(|a| calls_function_per_row(a, condition))
        }
        Expr::Cast(inner, _) | Expr::Not(inner) => calls_function_per_row(inner, condition),
        Expr::Binary { left, right, .. } => {
            calls_function_per_row(left, condition) || calls_function_per_row(right, condition)
        }
        Expr::And(parts) | Expr::Or(parts) | Expr::Other(parts) => {
            parts.iter().any(|p| calls_function_per_row(p, condition))
        }
        Expr::Column(_) | Expr::Literal(_) => false,
    }
}

fn is_tenant_column(expr: &Expr, condition: &TenantCondition<'_>) -> bool {
    matches!(expr, Expr::Column(parts)
        if parts.len() <= 2 && parts.last().is_some_and(|c| c == condition.column))
}

fn is_tenant_value(expr: &Expr, condition: &TenantCondition<'_>) -> bool {
    match expr {
        Expr::SubQuery {
            targets,
            simple: true,
        } if targets.len() == 1 => is_tenant_call(targets[0].strip_casts(), condition),
        other => is_tenant_call(other, condition),
    }
}

fn is_tenant_call(expr: &Expr, condition: &TenantCondition<'_>) -> bool {
    let Expr::Call { name, args } = expr else {
        return false;
    };
    if !args.is_empty() {
        return false;
    }
    match name.as_slice() {
        [function] => function == condition.function,
        [schema, function] => {
            function == condition.function
                && condition
                    .function_schema
                    .is_none_or(|wanted| wanted == schema)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;

    const CONDITION: TenantCondition<'static> = TenantCondition {
        column: "cauldron_id",
        function: "current_cauldron",
        function_schema: None,
    };

    fn isolates(text: &str) -> bool {
        is_tenant_condition(&parse(text).unwrap(), &CONDITION)
    }

    fn per_row(text: &str) -> bool {
        calls_function_per_row(&parse(text).unwrap(), &CONDITION)
    }

    #[test]
    fn recognises_isolation_in_its_forms() {
        assert!(isolates(
            "((cauldron_id)::text = (( SELECT public.current_cauldron() AS current_cauldron))::text)"
        ));
        assert!(isolates(
            "((( SELECT public.current_cauldron() AS current_cauldron))::text = (cauldron_id)::text)"
        ));
        assert!(isolates(
            "((cauldron_id)::text = (public.current_cauldron())::text)"
        ));
        assert!(isolates(
            "(((cauldron_id)::text = ( SELECT current_cauldron() AS current_cauldron)) AND (x > 1))"
        ));
        assert!(isolates(
            "(((cauldron_id = ( SELECT current_cauldron())) AND (a = 1)) OR (cauldron_id = ( SELECT current_cauldron())))"
        ));
    }

    #[test]
    fn rejects_lookalikes() {
        assert!(!isolates(
            "((owner_id)::text = (( SELECT current_cauldron() AS c))::text)"
        ));
        assert!(!isolates(
            "(((cauldron_id)::text = ( SELECT current_cauldron())) OR (x = 1))"
        ));
        assert!(!isolates("((cauldron_id)::text = 'acme'::text)"));
        assert!(!isolates(
            "((cauldron_id)::text <> ( SELECT current_cauldron()))"
        ));
        assert!(!isolates(
            "(NOT ((cauldron_id)::text = ( SELECT current_cauldron())))"
        ));
        assert!(!isolates(
            "((cauldron_id)::text = ( SELECT current_cauldron() FROM t))"
        ));
        assert!(!isolates(
            "((cauldron_id)::text = current_cauldron('x'::text))"
        ));
        assert!(!isolates("true"));
    }

    #[test]
    fn schema_must_match_when_known() {
        let strict = TenantCondition {
            function_schema: Some("public"),
            ..CONDITION
        };
        let evil = parse("(cauldron_id = ( SELECT evil.current_cauldron()))").unwrap();
        assert!(!is_tenant_condition(&evil, &strict));
        let good = parse("(cauldron_id = ( SELECT public.current_cauldron()))").unwrap();
        assert!(is_tenant_condition(&good, &strict));
    }

    #[test]
    fn finds_per_row_calls() {
        assert!(per_row(
            "((cauldron_id)::text = (public.current_cauldron())::text)"
        ));
        assert!(per_row("(lower((current_cauldron())::text) = 'a'::text)"));
        assert!(!per_row(
            "((cauldron_id)::text = (( SELECT current_cauldron() AS c))::text)"
        ));
        assert!(!per_row("(a = 1)"));
    }
}
