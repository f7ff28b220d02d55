//! `missing-isolation-policy`: no policy restricts rows to the current cauldron.

use super::Context;
use crate::model::{quote_ident, Relation};
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain missing-isolation-policy`.
pub(crate) const DOCUMENTATION: &str = r#"# missing-isolation-policy (error)

## What it finds
A tenant table whose policies do not keep every command to `tenant column =
current_cauldron()`: neither one policy `FOR ALL` whose USING and WITH CHECK clauses both
restrict rows to it, nor a set of per-command policies that together do (USING for SELECT,
UPDATE and DELETE, WITH CHECK for INSERT and UPDATE). A command that no permissive policy
covers counts as kept, since PostgreSQL refuses it. The condition is understood, not matched
as text: either operand order, casts, the `(SELECT ...)` form, or one conjunct of an AND are
all recognised; comparing another column, or ORing in another condition, is not.

## Why it matters
Enabling row-level security without a policy hides every row; a policy without the tenant
condition shows the wrong ones. Only the tenant condition on both reads and writes keeps
each cauldron to its own rows.

## How to fix
Create the isolation policy. With the extension: `SELECT cauldron.isolate('t')`.

## Example
```sql
CREATE POLICY stories_read ON app.stories FOR SELECT USING (true);
-- fix:
CREATE POLICY cauldron_isolation ON app.stories AS PERMISSIVE FOR ALL
    USING (cauldron_id = (SELECT current_cauldron()))
    WITH CHECK (cauldron_id = (SELECT current_cauldron()));
```
"#;

/// Reports tenant tables without an isolation policy.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for table in context.securable_tenant_tables() {
        if context.has_isolation_policy(table) {
            continue;
        }
        let message = format!(
            "no policy of {} restricts reads and writes to `{} = {}`",
            table.name,
            context.config.tenant.column,
            context.tenant_function_sql()
        );
        let help = "create a policy FOR ALL whose USING and WITH CHECK compare the tenant \
                    column with (SELECT current_cauldron())";
        let finding = context.finding(Rule::MissingIsolationPolicy, table, message, help);
        findings.push(finding.with_fix(isolation_policy_sql(context, table)));
    }
}

/// The SQL that isolates `table`: the extension's helper when installed, else the policy.
pub(crate) fn isolation_policy_sql(context: &Context<'_>, table: &Relation) -> String {
    if context.has_extension() {
        let literal = table.name.to_string().replace('\'', "''");
        return format!("SELECT cauldron.isolate('{literal}');");
    }
    let condition = format!(
        "{} = (SELECT {})",
        quote_ident(&context.config.tenant.column),
        context.tenant_function_sql()
    );
    format!(
        "CREATE POLICY cauldron_isolation ON {} AS PERMISSIVE FOR ALL USING ({condition}) \
         WITH CHECK ({condition});",
        table.name
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::PolicyCommand;
    use crate::Rule;

    #[test]
    fn fires_without_policies_or_with_lookalikes() {
        let mut none = isolated_table(1, "stories");
        none.policies.clear();
        let mut other_column = isolated_table(2, "members");
        let text = "((owner_id)::text = (( SELECT public.current_cauldron() AS c))::text)";
        other_column.policies[0].using = Some(text.into());
        let mut ored = isolated_table(3, "tags");
        ored.policies[0].using = Some(format!("({ISOLATION} OR (public = true))"));
        // Reads are isolated, but a permissive INSERT policy lets any row in.
        let mut open_insert = isolated_table(4, "notes");
        open_insert.policies[0].command = PolicyCommand::Select;
        open_insert
            .policies
            .push(policy(PolicyCommand::Insert, true, None, Some("true")));
        let findings = run(
            Rule::MissingIsolationPolicy,
            vec![none, other_column, ored, open_insert],
        );
        assert_eq!(findings.len(), 4);
        assert!(findings[0]
            .fix
            .as_deref()
            .unwrap()
            .starts_with("CREATE POLICY cauldron_isolation"));
    }

    #[test]
    fn quiet_for_isolation_in_its_forms() {
        let mut conjunct = isolated_table(2, "members");
        conjunct.policies[0].using = Some(format!("({ISOLATION} AND (deleted_at IS NULL))"));
        conjunct.policies[0].with_check = None;
        let mut flipped = isolated_table(3, "tags");
        flipped.policies[0].using = Some(
            "((( SELECT current_cauldron() AS current_cauldron))::text = (cauldron_id)::text)"
                .into(),
        );
        let relations = vec![isolated_table(1, "stories"), conjunct, flipped];
        assert!(run(Rule::MissingIsolationPolicy, relations).is_empty());
    }

    #[test]
    fn quiet_for_one_isolation_policy_per_command() {
        let mut per_command = isolated_table(1, "stories");
        per_command.policies = vec![
            policy(PolicyCommand::Select, true, Some(ISOLATION), None),
            policy(PolicyCommand::Insert, true, None, Some(ISOLATION)),
            policy(
                PolicyCommand::Update,
                true,
                Some(ISOLATION),
                Some(ISOLATION),
            ),
            policy(PolicyCommand::Delete, true, Some(ISOLATION), None),
        ];
        // Only reads have a policy: PostgreSQL refuses every write, which keeps each
        // cauldron to its own rows too.
        let mut read_only = isolated_table(2, "archive");
        read_only.policies = vec![policy(PolicyCommand::Select, true, Some(ISOLATION), None)];
        assert!(run(Rule::MissingIsolationPolicy, vec![per_command, read_only]).is_empty());
    }

    #[test]
    fn fires_when_one_command_is_left_out_of_per_command_policies() {
        // UPDATE's new rows are not checked: its USING is isolated, its WITH CHECK is not.
        let mut table = isolated_table(1, "stories");
        table.policies = vec![
            policy(PolicyCommand::Select, true, Some(ISOLATION), None),
            policy(PolicyCommand::Insert, true, None, Some(ISOLATION)),
            policy(PolicyCommand::Update, true, Some(ISOLATION), Some("true")),
            policy(PolicyCommand::Delete, true, Some(ISOLATION), None),
        ];
        assert_eq!(run(Rule::MissingIsolationPolicy, vec![table]).len(), 1);
    }
}
