-- Columns of tables (plain, partitioned, foreign) with type, NOT NULL, identity and the
-- function their default calls.
--
-- Deparsing every default with pg_get_expr() dominated the load time on large schemas, and
-- the rules only need to know which function a default calls (current_cauldron, nextval,
-- gen_random_uuid). So the function is read from the stored expression tree instead:
-- `adbin` starts with `{FUNCEXPR :funcid N ...` for a call. When that call is an implicit
-- cast (`:funcformat 2`, e.g. the varchar(50) length coercion around current_cauldron(),
-- or int4() around nextval()), the function is the one in its first argument. A regular
-- expression doing the same was ten times slower than these plain string functions.
--
-- No ORDER BY: sorting 60,000 rows (on disk, past work_mem) cost the server more than the
-- loader spends putting each relation's columns in attribute-number order.
SELECT
    a.attrelid AS relation_id,
    a.attnum AS attribute_number,
    a.attname AS column_name,
    pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_name,
    a.attnotnull AS not_null,
    a.attidentity <> '' AS is_identity,
    a.attgenerated <> '' AS is_generated,
    d.oid IS NOT NULL AS has_default,
    fn_schema.nspname AS default_function_schema,
    fn.proname AS default_function_name
FROM pg_catalog.pg_attribute AS a
JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN LATERAL (SELECT d.adbin::text AS tree) AS stored ON true
LEFT JOIN pg_catalog.pg_proc AS fn ON fn.oid = (
    CASE
        WHEN NOT starts_with(stored.tree, '{FUNCEXPR :funcid ') THEN NULL
        WHEN split_part(stored.tree, ':args ', 1) LIKE '%:funcformat 2 %'
            THEN nullif(split_part(split_part(stored.tree, ':args ({FUNCEXPR :funcid ', 2), ' ', 1), '')
        ELSE split_part(stored.tree, ' ', 3)
    END
)::oid
LEFT JOIN pg_catalog.pg_namespace AS fn_schema ON fn_schema.oid = fn.pronamespace
WHERE c.relkind IN ('r', 'p', 'f')
  AND a.attnum > 0
  AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cauldron')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp%'
