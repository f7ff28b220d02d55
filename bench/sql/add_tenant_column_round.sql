-- Benchmark D, one round: cauldron.add_tenant_column() against a plain ALTER TABLE ... ADD
-- COLUMN with a literal default, each on a fresh copy of the same :rows-row table.
--
-- Both must be metadata-only changes (a "fast default"): the file node of each table is
-- recorded before and after, and a rewrite would have given the table a new one.
--
-- Variables: round, function_first (true/false).

SET client_min_messages = warning;
SET cauldron.guard = off;
DROP TABLE IF EXISTS bench.with_function, bench.with_alter;
CREATE TABLE bench.with_function AS SELECT * FROM bench.source;
CREATE TABLE bench.with_alter AS SELECT * FROM bench.source;
RESET cauldron.guard;
-- Hint bits and visibility are settled now, not during the first timed statement.
VACUUM (ANALYZE) bench.with_function;
VACUUM (ANALYZE) bench.with_alter;

INSERT INTO bench.filenodes
SELECT :round, relation, pg_relation_filenode(relation), NULL
  FROM unnest(ARRAY['bench.with_function', 'bench.with_alter']) AS relation;

\if :function_first
\ir add_tenant_column_function.sql
\ir add_tenant_column_alter.sql
\else
\ir add_tenant_column_alter.sql
\ir add_tenant_column_function.sql
\endif

UPDATE bench.filenodes SET after = pg_relation_filenode(relation) WHERE round = :round;
