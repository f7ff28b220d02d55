//! `rls-disabled`: a tenant table without row-level security.

use super::Context;
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain rls-disabled`.
pub(crate) const DOCUMENTATION: &str = r#"# rls-disabled (error)

## What it finds
A tenant table on which row-level security is not enabled. (Partitions are reported by
`partition-without-isolation`; foreign tables cannot have row-level security.)

## Why it matters
Without row-level security, policies are ignored: every query sees every cauldron's rows, and
the only thing keeping cauldrons apart is that each query in the application remembered its
`WHERE cauldron_id = ...`.

## How to fix
Enable and force row-level security and create the isolation policy. With the extension:
`SELECT cauldron.isolate('t')`.

## Example
```sql
CREATE TABLE app.stories (id uuid PRIMARY KEY, cauldron_id varchar(50) NOT NULL);
-- fix:
ALTER TABLE app.stories ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
```
"#;

/// Reports tenant tables with row-level security off.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for table in context.securable_tenant_tables() {
        if table.row_security {
            continue;
        }
        let message = format!(
            "row-level security is not enabled on tenant table {}",
            table.name
        );
        // `rls-not-forced` stays quiet while row-level security is off, so the fix forces it
        // too: applying it must not leave the next audit a finding this one could have named.
        let fix = if table.force_row_security {
            format!("ALTER TABLE {} ENABLE ROW LEVEL SECURITY;", table.name)
        } else {
            format!(
                "ALTER TABLE {} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;",
                table.name
            )
        };
        let help = "enable and force row-level security and add the isolation policy";
        findings.push(
            context
                .finding(Rule::RlsDisabled, table, message, help)
                .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::Rule;

    #[test]
    fn fires_when_disabled() {
        let mut table = isolated_table(1, "stories");
        table.row_security = false;
        let findings = run(Rule::RlsDisabled, vec![table.clone()]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0]
            .fix
            .as_deref()
            .unwrap()
            .ends_with("ENABLE ROW LEVEL SECURITY;"));

        // Off and not forced: the one fix does both, since rls-not-forced waits for ENABLE.
        table.force_row_security = false;
        let findings = run(Rule::RlsDisabled, vec![table]);
        assert!(findings[0]
            .fix
            .as_deref()
            .unwrap()
            .ends_with("ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;"));
    }

    #[test]
    fn quiet_when_enabled_or_not_a_tenant_table() {
        assert!(run(Rule::RlsDisabled, vec![isolated_table(1, "stories")]).is_empty());
        assert!(run(Rule::RlsDisabled, vec![plain_table(2, "countries")]).is_empty());
    }
}
