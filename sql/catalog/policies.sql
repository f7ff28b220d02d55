-- Row-level security policies with their clauses deparsed once each.
--
-- pg_get_expr() output is canonical (fully parenthesised, casts explicit, functions
-- qualified unless on the search path, which the loader sets to pg_catalog alone), and
-- the auditor parses it rather than matching text. Role OID 0 in polroles means PUBLIC.
SELECT
    p.polrelid AS relation_id,
    p.polname AS policy_name,
    p.polcmd::text AS command,
    p.polpermissive AS permissive,
    ARRAY(
        SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::text END
        FROM unnest(p.polroles) AS r
    ) AS roles,
    pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using_clause,
    pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check_clause
FROM pg_catalog.pg_policy AS p
JOIN pg_catalog.pg_class AS c ON c.oid = p.polrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'cauldron')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp%'
