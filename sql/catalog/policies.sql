-- Row-level security policies with their clauses as stored node trees.
--
-- Deparsing with pg_get_expr() costs tens of microseconds per clause and dominated the load
-- time on large schemas, where most policies hold the same tree apart from source offsets.
-- So this query returns the trees as text (cheap: the stored form), the loader groups the
-- policies whose clauses must deparse alike, and policy_clauses.sql deparses one policy per
-- group. The rows are read as a stream: the trees are never held in memory all at once.
-- Role OID 0 in polroles means PUBLIC.
SELECT
    p.oid AS policy_id,
    p.polrelid AS relation_id,
    p.polname AS policy_name,
    p.polcmd::text AS command,
    p.polpermissive AS permissive,
    ARRAY(
        SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::text END
        FROM unnest(p.polroles) AS r
    ) AS roles,
    p.polqual::text AS using_tree,
    p.polwithcheck::text AS check_tree
FROM pg_catalog.pg_policy AS p
JOIN pg_catalog.pg_class AS c ON c.oid = p.polrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'cauldron')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp%'
