-- Benchmark D's source table, copied afresh for every round, and where file nodes go.
--
-- Variables: rows.

SET cauldron.guard = off;
CREATE TABLE bench.source AS
SELECT n AS id, md5(n::text) AS payload, timestamptz '2024-01-01' + n * interval '1 second' AS created
  FROM generate_series(1, :rows) AS n;

CREATE TABLE bench.filenodes (
    round    integer NOT NULL,
    relation text NOT NULL,
    before   oid NOT NULL,
    after    oid
);
