//! What every rule needs: the catalog, the configuration, and derived facts computed once
//! (which tables are shared, which hold tenant data, what each policy means).

use std::collections::{HashMap, HashSet};

use crate::config::{normalize_type, Config};
use crate::expr::{self, Expr, TenantCondition};
use crate::model::{Catalog, Column, Policy, QualifiedName, Relation, RelationId, RelationKind};
use crate::{Finding, Rule};

/// The catalog and configuration seen by the rules, with derived facts.
pub struct Context<'a> {
    /// The catalog under audit.
    pub catalog: &'a Catalog,
    /// The configuration in force.
    pub config: &'a Config,
    shared: HashSet<RelationId>,
    function_schema: Option<String>,
    policies: HashMap<(RelationId, usize), ParsedPolicy>,
    expressions: Vec<ParsedExpression>,
}

/// A policy's clauses as indexes into the distinct expressions; `None` when absent or not
/// understood.
struct ParsedPolicy {
    using: Option<usize>,
    check: Option<usize>,
}

/// One distinct policy expression text, read once, with whether it isolates.
struct ParsedExpression {
    expr: Expr,
    isolates: bool,
}

impl<'a> Context<'a> {
    /// Derives the facts the rules share.
    pub fn new(catalog: &'a Catalog, config: &'a Config) -> Self {
        let (configured_schema, _) = config.tenant_function();
        let function_schema = configured_schema
            .map(str::to_string)
            .or_else(|| catalog.extension.as_ref().map(|e| e.schema.clone()));
        let mut context = Context {
            catalog,
            config,
            shared: HashSet::new(),
            function_schema,
            policies: HashMap::new(),
            expressions: Vec::new(),
        };
        context.shared = context.find_shared();
        // Schemas repeat the same policy text on many tables: each text is parsed once.
        let mut by_text: HashMap<&'a str, Option<usize>> = HashMap::new();
        for relation in &catalog.relations {
            for (index, policy) in relation.policies.iter().enumerate() {
                let mut read = |text: Option<&'a str>| -> Option<usize> {
                    let text = text?;
                    *by_text.entry(text).or_insert_with(|| {
                        let expr = expr::parse(text).ok()?;
                        let isolates = expr::is_tenant_condition(&expr, &context.condition());
                        context
                            .expressions
                            .push(ParsedExpression { expr, isolates });
                        Some(context.expressions.len() - 1)
                    })
                };
                let parsed = ParsedPolicy {
                    using: read(policy.using.as_deref()),
                    check: read(policy.effective_check()),
                };
                context.policies.insert((relation.id, index), parsed);
            }
        }
        context
    }

    /// The tenant condition as the policy rules look for it.
    pub fn condition(&self) -> TenantCondition<'_> {
        TenantCondition {
            column: &self.config.tenant.column,
            function: self.config.tenant_function().1,
            function_schema: self.function_schema.as_deref(),
        }
    }

    /// The tenant function call as SQL for fixes, e.g. `public.current_cauldron()`.
    pub fn tenant_function_sql(&self) -> String {
        let name = crate::model::quote_ident(self.config.tenant_function().1);
        match &self.function_schema {
            Some(schema) => format!("{}.{name}()", crate::model::quote_ident(schema)),
            None => format!("{name}()"),
        }
    }

    /// Whether the `cauldron` extension is installed (fixes can use its helpers).
    pub fn has_extension(&self) -> bool {
        self.catalog.extension.is_some()
    }

    /// Tables (of every kind) in audited schemas that are not shared.
    pub fn audited_tables(&self) -> impl Iterator<Item = &'a Relation> + '_ {
        self.catalog.relations.iter().filter(move |r| {
            r.kind.is_table() && self.config.audits_schema(&r.name.schema) && !self.is_shared(r)
        })
    }

    /// Audited tables that carry the tenant column, partitions included.
    pub fn tenant_tables(&self) -> impl Iterator<Item = &'a Relation> + '_ {
        self.audited_tables()
            .filter(move |r| self.tenant_column(r).is_some())
    }

    /// Tenant tables that are not partitions: partitions are covered by their parent and by
    /// `partition-without-isolation`.
    pub fn top_tenant_tables(&self) -> impl Iterator<Item = &'a Relation> + '_ {
        self.tenant_tables().filter(|r| r.partition_of.is_none())
    }

    /// Tenant tables that can carry row-level security (foreign tables cannot).
    pub fn securable_tenant_tables(&self) -> impl Iterator<Item = &'a Relation> + '_ {
        self.top_tenant_tables()
            .filter(|r| r.kind != RelationKind::ForeignTable)
    }

    /// Whether `relation` is a tenant table (audited, not shared, has the tenant column).
    pub fn is_tenant_table(&self, relation: &Relation) -> bool {
        relation.kind.is_table()
            && self.config.audits_schema(&relation.name.schema)
            && !self.is_shared(relation)
            && self.tenant_column(relation).is_some()
    }

    /// Whether `relation` is global on purpose (configured, registered with the extension, or
    /// a partition of such a table).
    pub fn is_shared(&self, relation: &Relation) -> bool {
        self.shared.contains(&relation.id)
    }

    /// The tenant column of `relation`.
    pub fn tenant_column(&self, relation: &'a Relation) -> Option<&'a Column> {
        relation.column(&self.config.tenant.column)
    }

    /// Whether `column` has the configured tenant type.
    pub fn has_tenant_type(&self, column: &Column) -> bool {
        normalize_type(&column.type_name) == normalize_type(&self.config.tenant.column_type)
    }

    /// Whether the policy's USING clause restricts rows to the current cauldron.
    pub fn using_isolates(&self, relation: &Relation, index: usize) -> bool {
        let parsed = &self.policies[&(relation.id, index)];
        parsed.using.is_some_and(|i| self.expressions[i].isolates)
    }

    /// Whether the rows the policy lets through for writing must belong to the current
    /// cauldron (its WITH CHECK, or USING where PostgreSQL falls back to it).
    pub fn check_isolates(&self, relation: &Relation, index: usize) -> bool {
        let parsed = &self.policies[&(relation.id, index)];
        parsed.check.is_some_and(|i| self.expressions[i].isolates)
    }

    /// The parsed USING and effective check of a policy, for rules that walk expressions.
    pub fn policy_expressions(&self, relation: &Relation, index: usize) -> [Option<&Expr>; 2] {
        let parsed = &self.policies[&(relation.id, index)];
        [parsed.using, parsed.check].map(|i| i.map(|i| &self.expressions[i].expr))
    }

    /// Whether the policies of `relation` keep every command to the current cauldron: one
    /// `FOR ALL` isolation policy, or one per command (`FOR SELECT`, `FOR INSERT`, ...).
    ///
    /// A command is kept to the current cauldron when policies covering it (its own or
    /// `FOR ALL`, permissive or restrictive) isolate the rows it reads (USING: SELECT,
    /// UPDATE, DELETE) and the rows it writes (WITH CHECK: INSERT, UPDATE), or when no
    /// permissive policy covers it, since PostgreSQL then refuses the command outright. At
    /// least one policy must isolate something: a table whose policies all leave the tenant
    /// column alone is not isolated, even if it happens to refuse everything. Permissive
    /// policies that let other rows through beside the isolating ones are the business of
    /// `permissive-policy-bypass` and `write-policy-without-tenant-check`.
    pub fn has_isolation_policy(&self, relation: &Relation) -> bool {
        use crate::model::PolicyCommand::{All, Delete, Insert, Select, Update};
        let covering = |command| {
            relation
                .policies
                .iter()
                .enumerate()
                .filter(move |(_, p)| p.command == All || p.command == command)
        };
        let isolating_any = (0..relation.policies.len())
            .any(|i| self.using_isolates(relation, i) || self.check_isolates(relation, i));
        let kept = |command, reads: bool, writes: bool| {
            let refused = !covering(command).any(|(_, p)| p.permissive);
            let reads_kept =
                !reads || covering(command).any(|(i, _)| self.using_isolates(relation, i));
            let writes_kept =
                !writes || covering(command).any(|(i, _)| self.check_isolates(relation, i));
            refused || (reads_kept && writes_kept)
        };
        isolating_any
            && kept(Select, true, false)
            && kept(Insert, false, true)
            && kept(Update, true, true)
            && kept(Delete, true, false)
    }

    /// Whether a restrictive policy covering `policy`'s command isolates its reads (`reads`)
    /// or its writes, so whatever `policy` allows is ANDed back to the current cauldron.
    pub fn restrictive_isolation_covers(
        &self,
        relation: &Relation,
        policy: &Policy,
        reads: bool,
    ) -> bool {
        relation.policies.iter().enumerate().any(|(i, other)| {
            !other.permissive
                && (other.command == crate::model::PolicyCommand::All
                    || other.command == policy.command)
                && if reads {
                    self.using_isolates(relation, i)
                } else {
                    self.check_isolates(relation, i)
                }
        })
    }

    /// A finding about `relation` at the rule's default severity.
    pub fn finding(&self, rule: Rule, relation: &Relation, message: String, help: &str) -> Finding {
        Finding::new(
            rule,
            &relation.name.schema,
            &relation.name.name,
            message,
            help,
        )
    }

    fn find_shared(&self) -> HashSet<RelationId> {
        let configured: Vec<(Option<String>, String)> = self
            .config
            .shared_tables
            .iter()
            .map(|entry| split_table_name(entry))
            .collect();
        let registered: Vec<&QualifiedName> = self
            .catalog
            .extension
            .iter()
            .flat_map(|e| &e.shared_tables)
            .collect();
        let directly: HashSet<RelationId> = self
            .catalog
            .relations
            .iter()
            .filter(|r| {
                registered.contains(&&r.name)
                    || configured.iter().any(|(schema, name)| {
                        *name == r.name.name && schema.as_ref().is_none_or(|s| *s == r.name.schema)
                    })
            })
            .map(|r| r.id)
            .collect();
        self.catalog
            .relations
            .iter()
            .filter(|r| self.root_of(r).iter().any(|id| directly.contains(id)))
            .map(|r| r.id)
            .collect()
    }

    /// `relation` and its partition ancestors.
    fn root_of(&self, relation: &Relation) -> Vec<RelationId> {
        let mut chain = vec![relation.id];
        let mut current = relation.partition_of;
        while let Some(parent) = current {
            if chain.contains(&parent) {
                break;
            }
            chain.push(parent);
            current = self.catalog.relation(parent).and_then(|p| p.partition_of);
        }
        chain
    }
}

/// Splits `schema.table` (SQL quoting allowed) into its parts.
fn split_table_name(entry: &str) -> (Option<String>, String) {
    let parts: Vec<String> = match expr::tokenize(entry) {
        Ok(tokens) => tokens
            .into_iter()
            .filter_map(|t| match t {
                expr::Token::Ident { text, .. } => Some(text),
                _ => None,
            })
            .collect(),
        Err(_) => vec![entry.to_string()],
    };
    match parts.as_slice() {
        [schema, name] => (Some(schema.clone()), name.clone()),
        [name] => (None, name.clone()),
        _ => (None, entry.to_string()),
    }
}
