-- One row per table of the database's user schemas: how tenant-safe it is.

CREATE FUNCTION cauldron.status()
    RETURNS TABLE (
        table_name regclass,
        tenant_column boolean,
        tenant_not_null boolean,
        tenant_default boolean,
        foreign_keys integer,
        unindexed_foreign_keys integer,
        rls_enabled boolean,
        rls_forced boolean,
        isolation_policy text,
        shared boolean,
        bypassing_policies name[]
    )
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT class.oid::regclass,
           tenant.attnum IS NOT NULL,
           coalesce(tenant.attnotnull, false),
           coalesce(pg_get_expr(tenant_default.adbin, tenant_default.adrelid)
                    = '@extschema@.current_cauldron()', false),
           (SELECT count(*)::integer FROM pg_constraint AS foreign_key
             WHERE foreign_key.conrelid = class.oid AND foreign_key.contype = 'f'),
           (SELECT count(*)::integer FROM pg_constraint AS foreign_key
             WHERE foreign_key.conrelid = class.oid AND foreign_key.contype = 'f'
               AND (tenant.attnum IS NULL
                    OR NOT cauldron.has_index_on(class.oid,
                           CASE WHEN tenant.attnum = foreign_key.conkey[1]
                                THEN foreign_key.conkey
                                ELSE tenant.attnum || foreign_key.conkey END,
                           false))),
           class.relrowsecurity,
           class.relforcerowsecurity,
           CASE WHEN cauldron.has_isolation_policy(class.oid) THEN 'correct'
                WHEN EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = class.oid
                             AND polname = 'cauldron_isolation') THEN 'altered'
                ELSE 'missing' END,
           cauldron.is_shared(class.oid),
           -- Only meaningful beside an isolation policy: without one, every policy is
           -- the table's only rule.
           CASE WHEN cauldron.is_isolated_table(class.oid)
                THEN ARRAY(SELECT cauldron.bypassing_policies(class.oid))
                ELSE '{}' END
      FROM pg_class AS class
      JOIN pg_namespace AS namespace ON namespace.oid = class.relnamespace
      LEFT JOIN pg_attribute AS tenant
             ON tenant.attrelid = class.oid AND tenant.attname = 'cauldron_id'
            AND NOT tenant.attisdropped
      LEFT JOIN pg_attrdef AS tenant_default
             ON tenant_default.adrelid = class.oid AND tenant_default.adnum = tenant.attnum
     WHERE class.relkind IN ('r', 'p')
       AND namespace.nspname NOT IN ('pg_catalog', 'information_schema', 'cauldron')
       AND namespace.nspname !~ '^pg_(toast|temp_|toast_temp_)'
     ORDER BY namespace.nspname, class.relname
$$;
