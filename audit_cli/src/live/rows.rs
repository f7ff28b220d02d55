//! Turning catalog query rows into the model.

use std::collections::HashMap;

use postgres::Row;

use super::acl;
use super::policy_groups::{PolicyGroups, PolicyTrees};
use crate::model::{
    Catalog, Column, ColumnDefault, Extension, ForeignKey, Index, IndexKey, Policy, PolicyCommand,
    QualifiedName, Relation, RelationId, RelationKind, Role, ViewOptions,
};

/// Accumulates rows of the catalog queries into a [`Catalog`].
#[derive(Default)]
pub(super) struct CatalogBuilder {
    relations: Vec<Relation>,
    by_oid: HashMap<u32, usize>,
    attribute_names: HashMap<(u32, i16), String>,
    roles: Vec<Role>,
    extension: Option<Extension>,
    policy_groups: PolicyGroups,
    pending_policies: Vec<PendingPolicy>,
    /// Attribute numbers of each relation's columns, by position in `relations`.
    column_numbers: Vec<Vec<i16>>,
}

/// A policy read from policies.sql, waiting for its deparsed clauses.
struct PendingPolicy {
    relation: usize,
    representative: u32,
    policy: Policy,
}

impl CatalogBuilder {
    /// extension.sql and shared_tables.sql.
    pub fn extension(&mut self, row: &Row, shared: &[Row]) {
        let shared_tables = shared
            .iter()
            .map(|r| QualifiedName::new(r.get::<_, String>(0), r.get::<_, String>(1)))
            .collect();
        self.extension = Some(Extension {
            schema: row.get("extension_schema"),
            shared_tables,
        });
    }

    /// One row of relations.sql.
    pub fn relation(&mut self, row: &Row) {
        let oid: u32 = row.get("relation_id");
        let kind = match row.get::<_, &str>("kind") {
            "p" => RelationKind::PartitionedTable,
            "f" => RelationKind::ForeignTable,
            "v" => RelationKind::View,
            "m" => RelationKind::MaterializedView,
            _ => RelationKind::Table,
        };
        let name = QualifiedName::new(
            row.get::<_, String>("schema_name"),
            row.get::<_, String>("relation_name"),
        );
        let mut relation = Relation::new(RelationId(oid), name, kind, row.get("owner"));
        relation.row_security = row.get("row_security");
        relation.force_row_security = row.get("force_row_security");
        let parents: Vec<u32> = row.get("parent_ids");
        if row.get::<_, bool>("is_partition") {
            relation.partition_of = parents.first().map(|&p| RelationId(p));
        } else {
            relation.inherits = parents.into_iter().map(RelationId).collect();
        }
        if kind.is_view() {
            relation.view = Some(view_options(&row.get::<_, Vec<String>>("options")));
        }
        let acl: Vec<String> = row.get("acl");
        relation.privileges = acl.iter().flat_map(|item| acl::expand(item)).collect();
        self.by_oid.insert(oid, self.relations.len());
        self.relations.push(relation);
    }

    /// One row of columns.sql.
    pub fn column(&mut self, row: &Row) {
        let oid: u32 = row.get("relation_id");
        let name: String = row.get("column_name");
        self.attribute_names
            .insert((oid, row.get("attribute_number")), name.clone());
        let Some(&index) = self.by_oid.get(&oid) else {
            return;
        };
        let default = row.get::<_, bool>("has_default").then(|| ColumnDefault {
            function: row
                .get::<_, Option<String>>("default_function_name")
                .map(|f| QualifiedName::new(row.get::<_, String>("default_function_schema"), f)),
            expression: None,
        });
        let column = Column {
            name,
            type_name: row.get("type_name"),
            not_null: row.get("not_null"),
            identity: row.get("is_identity"),
            generated: row.get("is_generated"),
            default,
        };

        // Rows come in no particular order (sorting them cost the server more than placing
        // them here); a relation's columns are kept in attribute-number order. Rows of one
        // relation almost always arrive in order, so this is nearly always an append.
        if self.column_numbers.len() <= index {
            self.column_numbers
                .resize_with(self.relations.len(), Vec::new);
        }
        let attnum: i16 = row.get("attribute_number");
        let numbers = &mut self.column_numbers[index];
        let position = numbers.partition_point(|&n| n < attnum);
        numbers.insert(position, attnum);
        self.relations[index].columns.insert(position, column);
    }

    /// One row of indexes.sql.
    pub fn index(&mut self, row: &Row) {
        let oid: u32 = row.get("relation_id");
        let key_count = row.get::<_, i32>("key_count").max(0) as usize;
        let attributes: Vec<i16> = row.get("key_columns");
        let keys = attributes
            .iter()
            .take(key_count)
            .map(|&attnum| match self.attribute_names.get(&(oid, attnum)) {
                Some(name) if attnum > 0 => IndexKey::Column(name.clone()),
                _ => IndexKey::Expression(String::new()),
            })
            .collect();
        let index = Index {
            name: row.get("index_name"),
            constraint: row.get("constraint_name"),
            keys,
            unique: row.get("is_unique"),
            primary: row.get("is_primary"),
            valid: row.get("is_valid"),
            partial: row.get("is_partial"),
        };
        if let Some(relation) = self.relation_mut(oid) {
            relation.indexes.push(index);
        }
    }

    /// One row of foreign_keys.sql.
    pub fn foreign_key(&mut self, row: &Row) {
        let oid: u32 = row.get("relation_id");
        let referenced: u32 = row.get("referenced_id");
        let key = ForeignKey {
            name: row.get("constraint_name"),
            columns: self.names(oid, &row.get::<_, Vec<i16>>("key_columns")),
            referenced: RelationId(referenced),
            referenced_columns: self
                .names(referenced, &row.get::<_, Vec<i16>>("referenced_columns")),
        };
        if let Some(relation) = self.relation_mut(oid) {
            relation.foreign_keys.push(key);
        }
    }

    /// One row of policies.sql, read as a stream. Its clauses arrive later, from
    /// [`CatalogBuilder::policy_clauses`].
    pub fn policy(&mut self, row: &Row) {
        let relation: u32 = row.get("relation_id");
        let Some(&index) = self.by_oid.get(&relation) else {
            return;
        };
        let command = match row.get::<_, &str>("command") {
            "r" => PolicyCommand::Select,
            "a" => PolicyCommand::Insert,
            "w" => PolicyCommand::Update,
            "d" => PolicyCommand::Delete,
            _ => PolicyCommand::All,
        };
        let trees = PolicyTrees {
            policy: row.get("policy_id"),
            trees: [row.get("using_tree"), row.get("check_tree")],
            relation_name: &self.relations[index].name.name,
        };
        let attribute_names = &self.attribute_names;
        let representative = self.policy_groups.representative(&trees, |attnum| {
            attribute_names.get(&(relation, attnum)).map(String::as_str)
        });
        self.pending_policies.push(PendingPolicy {
            relation: index,
            representative,
            policy: Policy {
                name: row.get("policy_name"),
                command,
                roles: row.get("roles"),
                permissive: row.get("permissive"),
                using: None,
                with_check: None,
            },
        });
    }

    /// The policies whose clauses policy_clauses.sql must deparse.
    pub fn policy_representatives(&self) -> &[u32] {
        self.policy_groups.representatives()
    }

    /// policy_clauses.sql: gives every policy the clauses of its representative. Both queries
    /// run in one snapshot, so every representative has its row.
    pub fn policy_clauses(&mut self, rows: &[Row]) {
        let clauses: HashMap<u32, (Option<String>, Option<String>)> = rows
            .iter()
            .map(|row| {
                let clauses = (row.get("using_clause"), row.get("check_clause"));
                (row.get("policy_id"), clauses)
            })
            .collect();
        for pending in std::mem::take(&mut self.pending_policies) {
            let mut policy = pending.policy;
            if let Some((using, with_check)) = clauses.get(&pending.representative) {
                policy.using.clone_from(using);
                policy.with_check.clone_from(with_check);
            }
            self.relations[pending.relation].policies.push(policy);
        }
    }

    /// view_reads.sql.
    pub fn view_reads(&mut self, rows: &[Row]) {
        for row in rows {
            let read = RelationId(row.get("relation_id"));
            if let Some(view) = self
                .relation_mut(row.get("view_id"))
                .and_then(|v| v.view.as_mut())
            {
                view.reads.push(read);
            }
        }
    }

    /// roles.sql.
    pub fn roles(&mut self, rows: &[Row]) {
        self.roles = rows
            .iter()
            .map(|row| Role {
                name: row.get("role_name"),
                login: row.get("can_login"),
                superuser: row.get("is_superuser"),
                bypass_rls: row.get("bypass_rls"),
                member_of: row.get("member_of"),
            })
            .collect();
    }

    /// The finished catalog, relations in a stable order.
    pub fn finish(mut self) -> Catalog {
        self.relations.sort_by(|a, b| a.name.cmp(&b.name));
        for relation in &mut self.relations {
            if let Some(view) = &mut relation.view {
                view.reads.sort();
            }
        }
        Catalog::new(self.relations, self.roles, self.extension)
    }

    fn relation_mut(&mut self, oid: u32) -> Option<&mut Relation> {
        self.by_oid.get(&oid).map(|&i| &mut self.relations[i])
    }

    fn names(&self, oid: u32, attributes: &[i16]) -> Vec<String> {
        attributes
            .iter()
            .map(|attnum| {
                self.attribute_names
                    .get(&(oid, *attnum))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect()
    }
}

/// Reads `security_invoker` and `security_barrier` from `reloptions` (`name=value` text).
fn view_options(options: &[String]) -> ViewOptions {
    let enabled = |wanted: &str| {
        options.iter().any(|option| match option.split_once('=') {
            Some((name, value)) => {
                name == wanted
                    && matches!(value.to_lowercase().as_str(), "true" | "on" | "yes" | "1")
            }
            None => option == wanted,
        })
    };
    ViewOptions {
        security_invoker: enabled("security_invoker"),
        security_barrier: enabled("security_barrier"),
        reads: Vec::new(),
    }
}
