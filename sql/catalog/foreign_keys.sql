-- Foreign keys: referencing and referenced relation with paired attribute numbers.
--
-- Partitioned tables propagate a foreign key to each partition as a child constraint
-- (conparentid <> 0); only the parent's is read, as the rules report on the parent.
SELECT
    con.conrelid AS relation_id,
    con.conname AS constraint_name,
    con.confrelid AS referenced_id,
    con.conkey AS key_columns,
    con.confkey AS referenced_columns
FROM pg_catalog.pg_constraint AS con
JOIN pg_catalog.pg_namespace AS n ON n.oid = con.connamespace
WHERE con.contype = 'f'
  AND con.conparentid = 0
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cauldron')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp%'
