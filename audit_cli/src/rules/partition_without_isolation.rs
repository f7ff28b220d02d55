//! `partition-without-isolation`: a partition that escapes its parent's policies.

use super::Context;
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain partition-without-isolation`.
pub(crate) const DOCUMENTATION: &str = r#"# partition-without-isolation (error)

## What it finds
A partition of a tenant table that does not itself have row-level security enabled and
forced and the isolation policy.

## Why it matters
Policies belong to the table they are created on. Queries through the partitioned parent
use the parent's policies, but a query that names a partition directly is checked against
the partition's own settings: without them, every cauldron's rows in that partition are
visible.

## How to fix
Isolate every partition like its parent (the extension's `cauldron.isolate()` does this for
existing partitions), and make isolating new partitions part of creating them.

## Example
```sql
CREATE TABLE app.events_2025 PARTITION OF app.events
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- fix:
ALTER TABLE app.events_2025 ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.events_2025 FORCE ROW LEVEL SECURITY;
CREATE POLICY cauldron_isolation ON app.events_2025 AS PERMISSIVE FOR ALL
    USING (cauldron_id = (SELECT current_cauldron()))
    WITH CHECK (cauldron_id = (SELECT current_cauldron()));
```
"#;

/// Reports partitions of tenant tables that lack their own isolation.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for partition in context.tenant_tables() {
        let Some(parent_id) = partition.partition_of else {
            continue;
        };
        let Some(parent) = context.catalog.relation(parent_id) else {
            continue;
        };
        let mut missing = Vec::new();
        let mut fix = Vec::new();
        if !partition.row_security {
            missing.push("row-level security");
            fix.push(format!(
                "ALTER TABLE {} ENABLE ROW LEVEL SECURITY;",
                partition.name
            ));
        }
        if !partition.force_row_security {
            missing.push("FORCE ROW LEVEL SECURITY");
            fix.push(format!(
                "ALTER TABLE {} FORCE ROW LEVEL SECURITY;",
                partition.name
            ));
        }
        if !context.has_isolation_policy(partition) {
            missing.push("the isolation policy");
            fix.push(super::missing_isolation_policy::isolation_policy_sql(
                context, partition,
            ));
        }
        if missing.is_empty() {
            continue;
        }
        if context.has_extension() {
            fix = vec![super::missing_isolation_policy::isolation_policy_sql(
                context, partition,
            )];
        }
        let message = format!(
            "partition {} of {} lacks {}, so querying it directly escapes isolation",
            partition.name,
            parent.name,
            missing.join(" and ")
        );
        let help = "isolate the partition like its parent: enable and force row-level security \
                    and add the isolation policy";
        let finding = context.finding(Rule::PartitionWithoutIsolation, partition, message, help);
        findings.push(finding.with_fix(fix.join("\n")));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::{RelationId, RelationKind};
    use crate::Rule;

    fn partitioned() -> (crate::model::Relation, crate::model::Relation) {
        let mut parent = isolated_table(1, "events");
        parent.kind = RelationKind::PartitionedTable;
        let mut partition = isolated_table(2, "events_2025");
        partition.partition_of = Some(RelationId(1));
        (parent, partition)
    }

    #[test]
    fn fires_on_bare_partition() {
        let (parent, mut partition) = partitioned();
        partition.row_security = false;
        partition.force_row_security = false;
        partition.policies.clear();
        let findings = run(Rule::PartitionWithoutIsolation, vec![parent, partition]);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains(
            "lacks row-level security and FORCE ROW LEVEL SECURITY and the isolation policy"
        ));
    }

    #[test]
    fn quiet_on_isolated_partition() {
        let (parent, partition) = partitioned();
        assert!(run(Rule::PartitionWithoutIsolation, vec![parent, partition]).is_empty());
    }
}
