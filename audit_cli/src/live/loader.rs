//! Reading the catalog: a fixed set of queries in one read-only snapshot.

use std::time::{Duration, Instant};

use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, Row, Transaction};

use super::rows::CatalogBuilder;
use crate::model::Catalog;
use crate::AuditError;

/// A catalog query kept as a commented `.sql` file under `sql/catalog/`.
struct CatalogQuery {
    name: &'static str,
    text: &'static str,
}

macro_rules! catalog_query {
    ($file:literal) => {
        CatalogQuery {
            name: $file,
            text: include_str!(concat!("../../../sql/catalog/", $file)),
        }
    };
}

const EXTENSION: CatalogQuery = catalog_query!("extension.sql");
const SHARED_TABLES: CatalogQuery = catalog_query!("shared_tables.sql");
const RELATIONS: CatalogQuery = catalog_query!("relations.sql");
const COLUMNS: CatalogQuery = catalog_query!("columns.sql");
const INDEXES: CatalogQuery = catalog_query!("indexes.sql");
const FOREIGN_KEYS: CatalogQuery = catalog_query!("foreign_keys.sql");
const POLICIES: CatalogQuery = catalog_query!("policies.sql");
const POLICY_CLAUSES: CatalogQuery = catalog_query!("policy_clauses.sql");
const VIEW_READS: CatalogQuery = catalog_query!("view_reads.sql");
const ROLES: CatalogQuery = catalog_query!("roles.sql");

/// How to read the catalog.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Upper bound for each statement (`SET LOCAL statement_timeout`).
    pub statement_timeout: Duration,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            statement_timeout: Duration::from_secs(30),
        }
    }
}

/// What loading cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadStats {
    /// Statements sent to the server, transaction control included.
    pub queries: usize,
    /// Wall time from BEGIN to COMMIT.
    pub duration: Duration,
    /// Each catalog query with its row count and time (server and transfer).
    pub steps: Vec<QueryTiming>,
}

/// The cost of one catalog query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTiming {
    /// File name under `sql/catalog/`.
    pub query: &'static str,
    /// Rows returned.
    pub rows: usize,
    /// Time until all rows arrived.
    pub duration: Duration,
}

/// Reads the catalog of the connected database.
///
/// All queries run in one `READ ONLY`, `REPEATABLE READ` transaction, so they see one
/// consistent snapshot and cannot change anything; `search_path` is pinned to `pg_catalog`
/// so deparsed expressions qualify every other schema. The number of statements does not
/// depend on the size of the schema: one more is sent only when the extension is installed.
pub fn load(
    client: &mut Client,
    options: &LoadOptions,
) -> Result<(Catalog, LoadStats), AuditError> {
    let started = Instant::now();
    let timeout = format!("{}ms", options.statement_timeout.as_millis().max(1));
    let transaction = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|source| AuditError::Query {
            query: "BEGIN",
            source,
        })?;
    let mut session = Session {
        transaction,
        queries: 1,
        timeout,
        steps: Vec::new(),
    };
    let settings = format!(
        "SET LOCAL statement_timeout = '{}'; SET LOCAL search_path = pg_catalog",
        session.timeout
    );
    session
        .transaction
        .batch_execute(&settings)
        .map_err(|source| AuditError::Query {
            query: "SET LOCAL",
            source,
        })?;
    session.queries += 1;

    let mut builder = CatalogBuilder::default();
    let extension = session.run(&EXTENSION)?;
    if let Some(row) = extension.first() {
        let shared = session.run(&SHARED_TABLES)?;
        builder.extension(row, &shared);
    }
    session.stream(&RELATIONS, |row| builder.relation(row))?;
    session.stream(&COLUMNS, |row| builder.column(row))?;
    session.stream(&INDEXES, |row| builder.index(row))?;
    session.stream(&FOREIGN_KEYS, |row| builder.foreign_key(row))?;
    session.stream(&POLICIES, |row| builder.policy(row))?;
    let representatives = builder.policy_representatives().to_vec();
    builder.policy_clauses(&session.run_with(&POLICY_CLAUSES, &[&representatives])?);
    builder.view_reads(&session.run(&VIEW_READS)?);
    builder.roles(&session.run(&ROLES)?);

    let Session {
        transaction,
        queries,
        steps,
        ..
    } = session;
    transaction.commit().map_err(|source| AuditError::Query {
        query: "COMMIT",
        source,
    })?;
    let stats = LoadStats {
        queries: queries + 1,
        duration: started.elapsed(),
        steps,
    };
    Ok((builder.finish(), stats))
}

struct Session<'a> {
    transaction: Transaction<'a>,
    queries: usize,
    timeout: String,
    steps: Vec<QueryTiming>,
}

impl Session<'_> {
    fn run(&mut self, query: &CatalogQuery) -> Result<Vec<Row>, AuditError> {
        self.run_with(query, &[])
    }

    fn run_with(
        &mut self,
        query: &CatalogQuery,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, AuditError> {
        self.queries += 1;
        let started = Instant::now();
        let rows = self
            .transaction
            .query(query.text, params)
            .map_err(|source| query_error(query, &self.timeout, source))?;
        self.record(query, rows.len(), started);
        Ok(rows)
    }

    /// Runs `query` and hands each row to `each` as it arrives, holding one row at a time.
    fn stream(
        &mut self,
        query: &CatalogQuery,
        mut each: impl FnMut(&Row),
    ) -> Result<(), AuditError> {
        self.queries += 1;
        let started = Instant::now();
        let fail = |source| query_error(query, &self.timeout, source);
        let mut rows = self
            .transaction
            .query_raw(query.text, std::iter::empty::<i32>())
            .map_err(fail)?;
        let mut count = 0;
        while let Some(row) = rows.next().map_err(fail)? {
            each(&row);
            count += 1;
        }
        drop(rows);
        self.record(query, count, started);
        Ok(())
    }

    fn record(&mut self, query: &CatalogQuery, rows: usize, started: Instant) {
        self.steps.push(QueryTiming {
            query: query.name,
            rows,
            duration: started.elapsed(),
        });
    }
}

fn query_error(query: &CatalogQuery, timeout: &str, source: postgres::Error) -> AuditError {
    if source.code() == Some(&SqlState::QUERY_CANCELED) {
        AuditError::StatementTimeout {
            query: query.name,
            timeout: timeout.to_string(),
        }
    } else {
        AuditError::Query {
            query: query.name,
            source,
        }
    }
}
