//! `per-row-tenant-function`: a policy calls the tenant function per row.

use super::Context;
use crate::expr::calls_function_per_row;
use crate::model::quote_ident;
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain per-row-tenant-function`.
pub(crate) const DOCUMENTATION: &str = r#"# per-row-tenant-function (warning)

## What it finds
A policy on a tenant table that calls the tenant function bare, `current_cauldron()`, instead
of inside a scalar subquery, `(SELECT current_cauldron())`.

## Why it matters
A bare call of a STABLE function may run once for every row the query looks at. Wrapped in
a scalar subquery it becomes an InitPlan: evaluated once per statement, and its result can
drive an index scan on the tenant column. On large tables the difference is orders of
magnitude.

## How to fix
Wrap the call: `cauldron_id = (SELECT current_cauldron())`.

## Example
```sql
CREATE POLICY isolation ON app.stories USING (cauldron_id = current_cauldron());
-- fix:
ALTER POLICY isolation ON app.stories USING (cauldron_id = (SELECT current_cauldron()));
```
"#;

/// Reports policies with a bare call of the tenant function.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let condition = context.condition();
    for table in context.securable_tenant_tables() {
        for (index, policy) in table.policies.iter().enumerate() {
            let expressions = context.policy_expressions(table, index);
            if !expressions
                .iter()
                .flatten()
                .any(|e| calls_function_per_row(e, &condition))
            {
                continue;
            }
            let message = format!(
                "policy {} on {} calls {} once per row instead of once per statement",
                quote_ident(&policy.name),
                table.name,
                context.tenant_function_sql()
            );
            let help = "wrap the tenant function in a scalar subquery: (SELECT current_cauldron())";
            findings.push(context.finding(Rule::PerRowTenantFunction, table, message, help));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::Rule;

    #[test]
    fn fires_on_bare_call_in_using_or_check() {
        let bare = "((cauldron_id)::text = (public.current_cauldron())::text)";
        let mut using = isolated_table(1, "stories");
        using.policies[0].using = Some(bare.into());
        let mut check = isolated_table(2, "members");
        check.policies[0].with_check = Some(bare.into());
        assert_eq!(run(Rule::PerRowTenantFunction, vec![using, check]).len(), 2);
    }

    #[test]
    fn quiet_for_scalar_subquery() {
        assert!(run(
            Rule::PerRowTenantFunction,
            vec![isolated_table(1, "stories")]
        )
        .is_empty());
    }
}
