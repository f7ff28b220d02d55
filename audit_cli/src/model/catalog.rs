//! The whole catalog and lookups over it.

use std::collections::HashMap;

use super::{QualifiedName, Relation, RelationId, Role};

/// The installed `cauldron` extension, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// Schema the extension was created in; it holds `current_cauldron()` (normally `public`).
    pub schema: String,
    /// Tables registered as shared with `cauldron.share()`.
    pub shared_tables: Vec<QualifiedName>,
}

/// Everything the rules inspect, as one value.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Tables, partitions, foreign tables, views and materialized views.
    pub relations: Vec<Relation>,
    /// Roles of the cluster.
    pub roles: Vec<Role>,
    /// The `cauldron` extension, if installed in this database.
    pub extension: Option<Extension>,
    by_id: HashMap<RelationId, usize>,
    roles_by_name: HashMap<String, usize>,
}

impl Catalog {
    /// Builds a catalog and its lookup indexes.
    pub fn new(relations: Vec<Relation>, roles: Vec<Role>, extension: Option<Extension>) -> Self {
        let by_id = relations
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
        let roles_by_name = roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.clone(), i))
            .collect();
        Catalog {
            relations,
            roles,
            extension,
            by_id,
            roles_by_name,
        }
    }

    /// The relation with this id, if the catalog holds it.
    pub fn relation(&self, id: RelationId) -> Option<&Relation> {
        self.by_id.get(&id).map(|&i| &self.relations[i])
    }

    /// The role with this name, if the catalog holds it.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles_by_name.get(name).map(|&i| &self.roles[i])
    }

    /// The relation with this schema and name, if any.
    pub fn find(&self, schema: &str, name: &str) -> Option<&Relation> {
        self.relations
            .iter()
            .find(|r| r.name.schema == schema && r.name.name == name)
    }
}
