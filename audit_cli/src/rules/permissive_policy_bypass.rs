//! `permissive-policy-bypass`: a permissive policy without the tenant condition.

use super::Context;
use crate::model::quote_ident;
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain permissive-policy-bypass`.
pub(crate) const DOCUMENTATION: &str = r#"# permissive-policy-bypass (error)

## What it finds
A permissive policy (the default kind) on a tenant table whose USING clause does not
require `tenant column = current_cauldron()`, unless a restrictive policy for the same
command adds that condition.

## Why it matters
PostgreSQL combines permissive policies with OR. The isolation policy says "rows of the
current cauldron", the other policy says "published rows", and together they say "rows of the
current cauldron, or published rows of any cauldron". One well-meant policy undoes the
isolation for every command it covers.

## How to fix
Add the tenant condition to the policy (`... AND cauldron_id = (SELECT
current_cauldron())`), or make it `AS RESTRICTIVE` so it narrows instead of widens.

## Example
```sql
CREATE POLICY published ON app.stories FOR SELECT USING (published);
-- fix:
ALTER POLICY published ON app.stories
    USING (published AND cauldron_id = (SELECT current_cauldron()));
```
"#;

/// Reports permissive policies whose USING clause reaches beyond the current cauldron.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for table in context.securable_tenant_tables() {
        for (index, policy) in table.policies.iter().enumerate() {
            if !policy.permissive
                || !policy.command.has_using()
                || context.using_isolates(table, index)
                || context.restrictive_isolation_covers(table, policy, true)
            {
                continue;
            }
            let message = format!(
                "permissive policy {} on {} lets {} see rows of other cauldrons",
                quote_ident(&policy.name),
                table.name,
                policy.command.as_sql()
            );
            let help = "add the tenant condition to the policy's USING clause, or make the \
                        policy AS RESTRICTIVE";
            findings.push(context.finding(Rule::PermissivePolicyBypass, table, message, help));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::{Policy, PolicyCommand};
    use crate::Rule;

    fn published(permissive: bool) -> Policy {
        Policy {
            name: "published".into(),
            command: PolicyCommand::Select,
            roles: vec!["public".into()],
            permissive,
            using: Some("published".into()),
            with_check: None,
        }
    }

    #[test]
    fn fires_on_permissive_policy_without_condition() {
        let mut table = isolated_table(1, "stories");
        table.policies.push(published(true));
        let findings = run(Rule::PermissivePolicyBypass, vec![table]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("policy published"));
    }

    #[test]
    fn quiet_for_restrictive_or_conditioned_policies() {
        let mut table = isolated_table(1, "stories");
        table.policies.push(published(false));
        let mut scoped = published(true);
        scoped.using = Some(format!("(published AND {ISOLATION})"));
        table.policies.push(scoped);
        assert!(run(Rule::PermissivePolicyBypass, vec![table]).is_empty());
        let mut covered = isolated_table(2, "notes");
        covered.policies[0].permissive = false;
        covered.policies.push(published(true));
        assert!(run(Rule::PermissivePolicyBypass, vec![covered]).is_empty());
    }
}
