//! Relations (tables, partitions, foreign tables, views) and what hangs off them.

use std::fmt;

use super::{Policy, Privilege};

/// Identifies a relation inside one catalog (the OID for live databases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelationId(pub u32);

/// A schema-qualified name, unquoted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    /// Schema name.
    pub schema: String,
    /// Object name inside the schema.
    pub name: String,
}

impl QualifiedName {
    /// Builds a name from its two parts.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualifiedName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualifiedName {
    /// Renders the name as SQL, quoting each part only when PostgreSQL needs it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            quote_ident(&self.schema),
            quote_ident(&self.name)
        )
    }
}

/// Quotes an identifier the way `quote_ident()` does: only when it is not a plain lowercase
/// name.
pub fn quote_ident(ident: &str) -> String {
    let plain = !ident.is_empty()
        && ident
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && ident
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !crate::expr::is_reserved_keyword(ident);
    if plain {
        ident.to_string()
    } else {
        format!("\"{}\"", ident.replace('"', "\"\""))
    }
}

/// What kind of relation this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// An ordinary table (also an inheritance child, or a partition when `partition_of` is set).
    Table,
    /// A partitioned table: holds no rows itself, its partitions do.
    PartitionedTable,
    /// A foreign table (no row-level security possible).
    ForeignTable,
    /// A view.
    View,
    /// A materialized view: a stored copy of a query, never filtered by row-level security.
    MaterializedView,
}

impl RelationKind {
    /// Whether rows live in (or under) this relation: tables of every kind.
    pub fn is_table(self) -> bool {
        matches!(
            self,
            Self::Table | Self::PartitionedTable | Self::ForeignTable
        )
    }

    /// Whether this is a view or a materialized view.
    pub fn is_view(self) -> bool {
        matches!(self, Self::View | Self::MaterializedView)
    }

    /// Words for messages: "table", "view", ...
    pub fn noun(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::PartitionedTable => "partitioned table",
            Self::ForeignTable => "foreign table",
            Self::View => "view",
            Self::MaterializedView => "materialized view",
        }
    }
}

/// A table, partition, foreign table, view or materialized view.
#[derive(Debug, Clone)]
pub struct Relation {
    /// Identity inside the catalog.
    pub id: RelationId,
    /// Schema and name.
    pub name: QualifiedName,
    /// Kind of relation.
    pub kind: RelationKind,
    /// Owning role.
    pub owner: String,
    /// Parent when this relation is a partition.
    pub partition_of: Option<RelationId>,
    /// Parents by plain (non-partition) inheritance.
    pub inherits: Vec<RelationId>,
    /// `ENABLE ROW LEVEL SECURITY` is set.
    pub row_security: bool,
    /// `FORCE ROW LEVEL SECURITY` is set (the owner is subject to policies too).
    pub force_row_security: bool,
    /// Columns in their table order.
    pub columns: Vec<Column>,
    /// Indexes on this relation.
    pub indexes: Vec<Index>,
    /// Foreign keys declared on this relation.
    pub foreign_keys: Vec<ForeignKey>,
    /// Row-level security policies.
    pub policies: Vec<Policy>,
    /// Privileges granted on this relation (the owner's implicit rights are not listed).
    pub privileges: Vec<Privilege>,
    /// View options and read set, for views and materialized views.
    pub view: Option<ViewOptions>,
}

impl Relation {
    /// A relation with no columns, indexes or policies, to be filled by a loader.
    pub fn new(id: RelationId, name: QualifiedName, kind: RelationKind, owner: &str) -> Self {
        Relation {
            id,
            name,
            kind,
            owner: owner.to_string(),
            partition_of: None,
            inherits: Vec::new(),
            row_security: false,
            force_row_security: false,
            columns: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            policies: Vec::new(),
            privileges: Vec::new(),
            view: None,
        }
    }

    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A column of a table or view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Type as `format_type()` writes it, e.g. `character varying(50)`.
    pub type_name: String,
    /// `NOT NULL` is declared.
    pub not_null: bool,
    /// `GENERATED ... AS IDENTITY`.
    pub identity: bool,
    /// `GENERATED ALWAYS AS (...) STORED`.
    pub generated: bool,
    /// The default, if any.
    pub default: Option<ColumnDefault>,
}

/// What a column default is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDefault {
    /// The function the default calls at its top (implicit casts looked through), e.g.
    /// `public.current_cauldron`, `pg_catalog.nextval` or `pg_catalog.gen_random_uuid`.
    pub function: Option<QualifiedName>,
    /// The default's SQL text, when the loader has it.
    pub expression: Option<String>,
}

/// One key of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexKey {
    /// A plain column.
    Column(String),
    /// An expression (its text, when known).
    Expression(String),
}

/// An index, including those backing primary keys and unique constraints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Index name (same schema as its table).
    pub name: String,
    /// Name of the constraint the index backs, if any.
    pub constraint: Option<String>,
    /// Key columns and expressions, in order (INCLUDE columns are not keys).
    pub keys: Vec<IndexKey>,
    /// `UNIQUE` (primary keys too).
    pub unique: bool,
    /// Backs the primary key.
    pub primary: bool,
    /// Usable by queries (`indisvalid`): false after a failed `CREATE INDEX CONCURRENTLY`.
    pub valid: bool,
    /// Has a `WHERE` predicate.
    pub partial: bool,
}

impl Index {
    /// Names of the key columns that are plain columns.
    pub fn key_columns(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().filter_map(|k| match k {
            IndexKey::Column(c) => Some(c.as_str()),
            IndexKey::Expression(_) => None,
        })
    }

    /// Whether the first key is this column.
    pub fn leads_with(&self, column: &str) -> bool {
        matches!(self.keys.first(), Some(IndexKey::Column(c)) if c == column)
    }
}

/// A foreign key constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Constraint name.
    pub name: String,
    /// Referencing columns, in constraint order.
    pub columns: Vec<String>,
    /// Referenced relation.
    pub referenced: RelationId,
    /// Referenced columns, paired with `columns`.
    pub referenced_columns: Vec<String>,
}

/// How a view runs and what it reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewOptions {
    /// `security_invoker`: the view runs with the caller's rights and policies.
    pub security_invoker: bool,
    /// `security_barrier`: conditions of the view are applied before the caller's.
    pub security_barrier: bool,
    /// Relations the view's query reads directly.
    pub reads: Vec<RelationId>,
}
