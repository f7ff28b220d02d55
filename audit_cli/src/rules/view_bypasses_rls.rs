//! `view-bypasses-rls`: a view over tenant tables that does not run with the caller's rights.

use std::collections::HashSet;

use super::Context;
use crate::model::{Relation, RelationId, RelationKind};
use crate::{Finding, Rule};

/// Documentation printed by `cauldron-audit explain view-bypasses-rls`.
pub(crate) const DOCUMENTATION: &str = r#"# view-bypasses-rls (error)

## What it finds
A view that reads tenant tables (directly or through other views) without
`security_invoker = true`, and any materialized view that reads tenant tables.

## Why it matters
A view normally accesses its tables with its owner's rights: row-level security is checked
against the owner, who often owns the tables or bypasses row-level security, so everyone
allowed to query the view sees every cauldron's rows. A materialized view stores the rows
it read when refreshed and is never filtered by policies at all.

## How to fix
Make views run with the caller's rights (PostgreSQL 15 and later). Replace materialized
views over tenant data with views, or keep them in a schema the application cannot read.

## Example
```sql
CREATE VIEW app.story_titles AS SELECT id, title FROM app.stories;
-- fix:
ALTER VIEW app.story_titles SET (security_invoker = true);
```
"#;

/// Reports views and materialized views that expose tenant tables with definer rights.
pub(crate) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for view in &context.catalog.relations {
        let Some(options) = &view.view else { continue };
        if !context.config.audits_schema(&view.name.schema) {
            continue;
        }
        let materialized = view.kind == RelationKind::MaterializedView;
        if !materialized && options.security_invoker {
            continue;
        }
        let Some(table) = first_tenant_table(context, view) else {
            continue;
        };
        let (message, help, fix) = if materialized {
            (
                format!(
                    "materialized view {} stores rows of tenant table {} for every cauldron",
                    view.name, table.name
                ),
                "replace the materialized view with a security_invoker view, or keep it out of \
                 the application's reach",
                None,
            )
        } else {
            (
                format!(
                    "view {} reads tenant table {} with its owner's rights instead of the caller's",
                    view.name, table.name
                ),
                "set security_invoker = true on the view so policies apply to the caller",
                Some(format!(
                    "ALTER VIEW {} SET (security_invoker = true);",
                    view.name
                )),
            )
        };
        let finding = context.finding(Rule::ViewBypassesRls, view, message, help);
        findings.push(match fix {
            Some(fix) => finding.with_fix(fix),
            None => finding,
        });
    }
}

/// The first tenant table `view` reads, following views it reads with the caller's rights.
fn first_tenant_table<'a>(context: &Context<'a>, view: &'a Relation) -> Option<&'a Relation> {
    let mut seen: HashSet<RelationId> = HashSet::from([view.id]);
    let mut pending: Vec<RelationId> = view.view.as_ref()?.reads.clone();
    pending.reverse();
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(relation) = context.catalog.relation(id) else {
            continue;
        };
        if context.is_tenant_table(relation) {
            return Some(relation);
        }
        if let Some(inner) = &relation.view {
            pending.extend(inner.reads.iter().rev());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::{QualifiedName, Relation, RelationId, RelationKind, ViewOptions};
    use crate::Rule;

    fn view(id: u32, name: &str, kind: RelationKind, invoker: bool, reads: &[u32]) -> Relation {
        let mut view = Relation::new(
            RelationId(id),
            QualifiedName::new("app", name),
            kind,
            "owner",
        );
        view.view = Some(ViewOptions {
            security_invoker: invoker,
            security_barrier: false,
            reads: reads.iter().map(|&r| RelationId(r)).collect(),
        });
        view
    }

    #[test]
    fn fires_on_definer_views_and_matviews_even_through_other_views() {
        let relations = vec![
            isolated_table(1, "stories"),
            view(2, "inner_view", RelationKind::View, true, &[1]),
            view(3, "outer_view", RelationKind::View, false, &[2]),
            view(4, "totals", RelationKind::MaterializedView, true, &[1]),
        ];
        let findings = run(Rule::ViewBypassesRls, relations);
        let objects: Vec<&str> = findings.iter().map(|f| f.object.as_str()).collect();
        assert_eq!(objects, ["outer_view", "totals"]);
        assert!(findings[0]
            .message
            .contains("reads tenant table app.stories"));
    }

    #[test]
    fn quiet_for_invoker_views_and_views_over_shared_data() {
        let relations = vec![
            isolated_table(1, "stories"),
            plain_table(5, "countries"),
            view(2, "story_view", RelationKind::View, true, &[1]),
            view(3, "country_view", RelationKind::View, false, &[5]),
        ];
        assert!(run(Rule::ViewBypassesRls, relations).is_empty());
    }
}
