-- Which relations each view and materialized view reads.
--
-- A view's query is stored as a rewrite rule; the rule depends (pg_depend, deptype 'n')
-- on every relation the query names. The view's own dependency on itself is skipped.
SELECT DISTINCT
    r.ev_class AS view_id,
    d.refobjid AS relation_id
FROM pg_catalog.pg_rewrite AS r
JOIN pg_catalog.pg_class AS v ON v.oid = r.ev_class
JOIN pg_catalog.pg_namespace AS n ON n.oid = v.relnamespace
JOIN pg_catalog.pg_depend AS d
    ON d.classid = 'pg_catalog.pg_rewrite'::regclass
   AND d.objid = r.oid
   AND d.refclassid = 'pg_catalog.pg_class'::regclass
   AND d.refobjid <> r.ev_class
WHERE v.relkind IN ('v', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cauldron')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp%'
