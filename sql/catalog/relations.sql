-- Every table, partitioned table, foreign table, view and materialized view outside the
-- system schemas, with its row-level security flags, parents, options and grants.
--
-- Relations that belong to another extension (pg_depend deptype 'e', e.g. PostGIS's
-- spatial_ref_sys) are left out: they are that extension's business, not the schema's.
-- The ACL is returned as text (`grantee=privileges/grantor`) and expanded by the loader;
-- this is cheaper than aclexplode() over thousands of tables.
SELECT
    c.oid AS relation_id,
    n.nspname AS schema_name,
    c.relname AS relation_name,
    c.relkind::text AS kind,
    pg_catalog.pg_get_userbyid(c.relowner) AS owner,
    c.relrowsecurity AS row_security,
    c.relforcerowsecurity AS force_row_security,
    c.relispartition AS is_partition,
    coalesce(parents.parent_ids, '{}') AS parent_ids,
    coalesce(c.reloptions, '{}') AS options,
    coalesce(c.relacl::text[], '{}') AS acl
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN (
    SELECT inhrelid, array_agg(inhparent ORDER BY inhseqno) AS parent_ids
    FROM pg_catalog.pg_inherits
    GROUP BY inhrelid
) AS parents ON parents.inhrelid = c.oid
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cauldron')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (
      SELECT FROM pg_catalog.pg_depend AS d
      WHERE d.classid = 'pg_catalog.pg_class'::regclass
        AND d.objid = c.oid
        AND d.deptype = 'e'
  )
