//! `write-policy-without-tenant-check`: a policy lets writes through without the tenant check.

use super::Context;
use crate::model::quote_ident;
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain write-policy-without-tenant-check`.
pub(crate) const DOCUMENTATION: &str = r#"# write-policy-without-tenant-check (error)

## What it finds
A permissive policy for INSERT, UPDATE or ALL whose WITH CHECK clause (or, where PostgreSQL
falls back to it, its USING clause) does not require `tenant column = current_cauldron()`,
unless a restrictive policy for the same command adds that check. Restrictive policies are
not reported: they can only narrow what the permissive ones let through.

## Why it matters
WITH CHECK decides which rows may be written. Without the tenant condition, a user can
insert rows into another cauldron, or update a row's tenant column to hand it over to
another cauldron, where it appears as that cauldron's data.

## How to fix
Add the tenant condition to the policy's WITH CHECK clause.

## Example
```sql
CREATE POLICY stories_insert ON app.stories FOR INSERT WITH CHECK (true);
-- fix:
ALTER POLICY stories_insert ON app.stories
    WITH CHECK (cauldron_id = (SELECT current_cauldron()));
```
"#;

/// Reports write policies whose check does not pin rows to the current cauldron.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for table in context.securable_tenant_tables() {
        for (index, policy) in table.policies.iter().enumerate() {
            if !policy.command.writes()
                || !policy.permissive
                || context.check_isolates(table, index)
                || context.restrictive_isolation_covers(table, policy, false)
            {
                continue;
            }
            let message = format!(
                "policy {} on {} lets {} write rows without checking the tenant column",
                quote_ident(&policy.name),
                table.name,
                policy.command.as_sql()
            );
            let condition = format!(
                "{} = (SELECT {})",
                quote_ident(&context.config.tenant.column),
                context.tenant_function_sql()
            );
            let fix = format!(
                "ALTER POLICY {} ON {} WITH CHECK ({condition});",
                quote_ident(&policy.name),
                table.name
            );
            let help = "add `tenant column = (SELECT current_cauldron())` to the policy's WITH \
                        CHECK clause";
            findings.push(
                context
                    .finding(Rule::WritePolicyWithoutTenantCheck, table, message, help)
                    .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::PolicyCommand;
    use crate::Rule;

    #[test]
    fn fires_on_unchecked_insert_and_unchecked_all() {
        let mut table = isolated_table(1, "stories");
        table
            .policies
            .push(policy(PolicyCommand::Insert, true, None, Some("true")));
        table
            .policies
            .push(policy(PolicyCommand::Insert, true, None, None));
        let mut all = isolated_table(2, "notes");
        all.policies[0].with_check = Some("((cauldron_id)::text <> ''::text)".into());
        assert_eq!(
            run(Rule::WritePolicyWithoutTenantCheck, vec![table, all]).len(),
            3
        );
    }

    #[test]
    fn quiet_when_checked_or_covered_by_restrictive_policy() {
        let mut table = isolated_table(1, "stories");
        table
            .policies
            .push(policy(PolicyCommand::Select, true, None, None));
        assert!(run(Rule::WritePolicyWithoutTenantCheck, vec![table.clone()]).is_empty());
        table
            .policies
            .push(policy(PolicyCommand::Insert, true, None, Some("true")));
        table
            .policies
            .push(policy(PolicyCommand::Insert, false, None, Some(ISOLATION)));
        assert!(run(Rule::WritePolicyWithoutTenantCheck, vec![table]).is_empty());
    }

    #[test]
    fn quiet_on_a_restrictive_policy_without_tenant_check() {
        // Restrictive policies are ANDed with the permissive ones: `WITH CHECK (true)` here
        // lets nothing through that the isolation policy does not.
        let mut table = isolated_table(1, "stories");
        table
            .policies
            .push(policy(PolicyCommand::All, false, None, Some("true")));
        table
            .policies
            .push(policy(PolicyCommand::Update, false, None, None));
        assert!(run(Rule::WritePolicyWithoutTenantCheck, vec![table]).is_empty());
    }
}
