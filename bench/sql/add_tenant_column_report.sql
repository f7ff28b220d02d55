-- Benchmark D's summary: medians, ratio, and the file nodes that prove no rewrite.

\echo '-- file nodes before and after each round (equal: no rewrite)'
SELECT round, relation, before, after, before = after AS unchanged
  FROM bench.filenodes ORDER BY round, relation;

-- Every row must carry the new column's value, read back from the table itself.
DO $$
BEGIN
    IF (SELECT count(*) FROM bench.with_function WHERE cauldron_id = 'acme')
       <> (SELECT count(*) FROM bench.source)
       OR (SELECT count(*) FROM bench.with_alter WHERE cauldron_id = 'acme')
       <> (SELECT count(*) FROM bench.source) THEN
        RAISE EXCEPTION 'not every row carries the tenant column value';
    END IF;
END
$$;

\echo '-- median of the timed rounds (ms)'
SELECT variant, rounds, round(median_ms::numeric, 2) AS median_ms
  FROM bench.medians('add_tenant_column') ORDER BY variant;
SELECT round((max(median_ms) FILTER (WHERE variant = 'add_tenant_column')
            / max(median_ms) FILTER (WHERE variant = 'alter_table'))::numeric, 2)
       AS "ratio add_tenant_column/alter_table"
  FROM bench.medians('add_tenant_column');

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM bench.filenodes WHERE before IS DISTINCT FROM after) THEN
        RAISE EXCEPTION 'a table was rewritten: its file node changed';
    END IF;
END
$$;
