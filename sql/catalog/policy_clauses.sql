-- The clauses of the given policies, deparsed: one representative per group of policies that
-- policies.sql showed to deparse alike (see the loader's policy grouping for why).
--
-- pg_get_expr() output is canonical (fully parenthesised, casts explicit, functions
-- qualified unless on the search path, which the loader sets to pg_catalog alone), and
-- the auditor parses it rather than matching text.
SELECT
    p.oid AS policy_id,
    pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using_clause,
    pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check_clause
FROM pg_catalog.pg_policy AS p
WHERE p.oid = ANY ($1::pg_catalog.oid[])
