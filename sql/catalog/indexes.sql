-- Indexes of tables, with their key columns as attribute numbers (0 = an expression), the
-- constraint they back, and whether they are unique, valid and partial.
--
-- Key columns are resolved to names by the loader from columns.sql, which avoids one join
-- per key here. Only the first indnkeyatts entries of indkey are keys; the rest are
-- INCLUDE columns.
SELECT
    i.indrelid AS relation_id,
    ic.relname AS index_name,
    con.conname AS constraint_name,
    i.indisunique AS is_unique,
    i.indisprimary AS is_primary,
    i.indisvalid AS is_valid,
    i.indpred IS NOT NULL AS is_partial,
    i.indnkeyatts::int AS key_count,
    i.indkey::int2[] AS key_columns
FROM pg_catalog.pg_index AS i
JOIN pg_catalog.pg_class AS ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = ic.relnamespace
LEFT JOIN pg_catalog.pg_constraint AS con
    ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u')
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'cauldron')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp%'
