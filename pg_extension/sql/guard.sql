-- The DDL guard: event triggers that look at every table a DDL statement touched and act on
-- what they find according to `cauldron.guard` (off, warn, enforce, auto).
--
-- The guard judges the state a statement leaves behind, not the statement's text, so
-- every spelling of a change (ALTER TABLE with several subcommands, CREATE TABLE AS,
-- SELECT INTO, ATTACH PARTITION, PARTITION OF) is caught the same way.
--
-- It leaves alone: shared tables, temporary tables, system schemas and the cauldron schema,
-- and tables that belong to an extension.

-- Whether the guard looks at `relid` at all.
CREATE FUNCTION cauldron.guard_watches(relid oid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM pg_class AS class
          JOIN pg_namespace AS namespace ON namespace.oid = class.relnamespace
         WHERE class.oid = relid
           AND class.relkind IN ('r', 'p')
           AND class.relpersistence <> 't'
           AND NOT cauldron.is_system_schema(namespace.nspname)
           AND NOT EXISTS (SELECT 1 FROM pg_depend WHERE classid = 'pg_class'::regclass
                           AND objid = class.oid AND deptype = 'e')
    ) AND NOT cauldron.is_shared(relid)
$$;

CREATE FUNCTION cauldron.is_isolated_table(relid oid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = relid
                   AND polname = 'cauldron_isolation')
$$;

-- The nearest isolated table `relid` descends from (as a partition or by plain
-- inheritance), or NULL.
CREATE FUNCTION cauldron.isolated_ancestor(relid oid) RETURNS regclass
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE ancestors (relid, level) AS (
        SELECT parent.inhparent, 1 FROM pg_inherits AS parent WHERE parent.inhrelid = relid
        UNION
        SELECT parent.inhparent, ancestors.level + 1
          FROM pg_inherits AS parent
          JOIN ancestors ON parent.inhrelid = ancestors.relid
    )
    SELECT ancestors.relid::regclass
      FROM ancestors
     WHERE cauldron.is_isolated_table(ancestors.relid)
     ORDER BY ancestors.level
     LIMIT 1
$$;

-- Reports one problem: WARNING, rejection, or (for what auto can fix) nothing.
CREATE FUNCTION cauldron.guard_report(target oid, problem text, hint text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF cauldron.guard_mode() = 'warn' THEN
        RAISE WARNING 'cauldron guard: table % %', target::regclass, problem
            USING HINT = hint;
    ELSE
        RAISE EXCEPTION 'cauldron guard: table % %', target::regclass, problem
            USING ERRCODE = 'invalid_table_definition',
                  DETAIL = format('cauldron.guard is %s.', cauldron.guard_mode()),
                  HINT = hint;
    END IF;
END
$$;

-- Checks one table after DDL; `created` tells whether the statement created it.
CREATE FUNCTION cauldron.guard_check_table(target oid, created boolean) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    mode text := cauldron.guard_mode();
    relation pg_class;
    tenant pg_attribute;
    member record;
    ancestor regclass;
BEGIN
    -- guard_allowed: one of the extension's helpers is at work on this table and will
    -- leave it in a good state before it returns.
    IF NOT cauldron.guard_watches(target) OR cauldron.guard_allowed(target) THEN
        RETURN;
    END IF;
    SELECT * INTO relation FROM pg_class WHERE oid = target;
    SELECT * INTO tenant FROM pg_attribute
     WHERE attrelid = target AND attname = 'cauldron_id' AND NOT attisdropped;

    IF created AND tenant.attname IS NULL THEN
        IF mode = 'auto' AND NOT relation.relispartition THEN
            PERFORM cauldron.add_tenant_column(target::regclass);
            PERFORM cauldron.isolate(target::regclass);
            RAISE NOTICE 'cauldron guard: added the tenant column to % and isolated it',
                         target::regclass;
            RETURN;
        END IF;
        PERFORM cauldron.guard_report(target, 'has no tenant column',
            'Add cauldron_id varchar(50) NOT NULL DEFAULT current_cauldron(), or mark the '
            || 'table global with cauldron.share().');
        RETURN;
    END IF;

    IF tenant.attname IS NOT NULL AND NOT tenant.attnotnull THEN
        PERFORM cauldron.guard_report(target, 'has a tenant column that allows NULL',
            'Declare cauldron_id NOT NULL.');
    END IF;

    IF cauldron.is_isolated_table(target) THEN
        IF NOT relation.relrowsecurity THEN
            PERFORM cauldron.guard_report(target, 'is isolated but row-level security is disabled',
                format('Run ALTER TABLE %s ENABLE ROW LEVEL SECURITY, or cauldron.release(%L) '
                       'to stop isolating it.', target::regclass, target::regclass::text));
        END IF;
        IF NOT relation.relforcerowsecurity THEN
            PERFORM cauldron.guard_report(target, 'is isolated but row-level security is not forced',
                format('Run ALTER TABLE %s FORCE ROW LEVEL SECURITY; without it the owner '
                       'sees every cauldron.', target::regclass));
        END IF;
        IF NOT cauldron.has_isolation_policy(target)
           AND NOT cauldron.guard_allowed(target) THEN
            PERFORM cauldron.guard_report(target, 'has an altered isolation policy',
                format('Restore it with SELECT cauldron.isolate(%L);', target::regclass::text));
        END IF;
        PERFORM cauldron.guard_check_policies(target);
        -- Partitions and inheritance children of an isolated table must be isolated too,
        -- or they can be queried directly without any policy.
        FOR member IN
            SELECT tree.relid FROM cauldron.table_tree(target::regclass) AS tree
             WHERE tree.relid <> target AND NOT cauldron.is_isolated_table(tree.relid)
               AND cauldron.guard_watches(tree.relid)
               AND NOT cauldron.guard_allowed(tree.relid)
        LOOP
            PERFORM cauldron.guard_child(member.relid, target::regclass);
        END LOOP;
        RETURN;
    END IF;

    ancestor := cauldron.isolated_ancestor(target);
    IF ancestor IS NOT NULL THEN
        -- A partition or an inheritance child of an isolated table. guard_allowed:
        -- isolate() is at work on this very table.
        IF NOT cauldron.guard_allowed(target) THEN
            PERFORM cauldron.guard_child(target, ancestor);
        END IF;
    ELSIF created AND mode = 'auto' THEN
        PERFORM cauldron.isolate(target::regclass);
        RAISE NOTICE 'cauldron guard: isolated %', target::regclass;
    END IF;
END
$$;

-- Reports the policies of an isolated table that let rows of other cauldrons through.
CREATE FUNCTION cauldron.guard_check_policies(target oid) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    policy_name name;
BEGIN
    -- Cheapest test first: isolate() creates its policy under guard_allow().
    IF cauldron.guard_allowed(target) OR NOT cauldron.guard_watches(target)
       OR NOT cauldron.is_isolated_table(target) THEN
        RETURN;
    END IF;
    FOR policy_name IN SELECT * FROM cauldron.bypassing_policies(target) LOOP
        PERFORM cauldron.guard_report(target,
            format('has policy %I, which lets rows of other cauldrons through', policy_name),
            'Permissive policies are ORed with the isolation policy. Create it AS RESTRICTIVE '
            || 'to narrow what the isolation policy allows, or begin its USING and WITH CHECK '
            || 'with cauldron_id = (SELECT current_cauldron()) AND ...');
    END LOOP;
END
$$;

-- A partition or inheritance child under an isolated table that is not isolated itself.
CREATE FUNCTION cauldron.guard_child(target oid, parent regclass) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    relation_to_parent text := CASE
        WHEN (SELECT relispartition FROM pg_class WHERE oid = target) THEN 'is a partition of'
        ELSE 'inherits from' END;
BEGIN
    IF cauldron.guard_mode() = 'auto' THEN
        PERFORM cauldron.isolate_one(target);
        RAISE NOTICE 'cauldron guard: isolated %, which % %', target::regclass,
                     relation_to_parent, parent;
    ELSE
        PERFORM cauldron.guard_report(target,
            format('%s isolated table %s but is not isolated', relation_to_parent, parent),
            format('Run SELECT cauldron.isolate(%L);', parent::text));
    END IF;
END
$$;

CREATE FUNCTION cauldron.guard_ddl_command_end() RETURNS event_trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    touched record;
BEGIN
    IF cauldron.guard_mode() = 'off' THEN
        RETURN;
    END IF;
    FOR touched IN
        SELECT relid, bool_or(created) AS created
          FROM (
            SELECT command.objid AS relid,
                   command.command_tag IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO')
                       AS created
              FROM pg_event_trigger_ddl_commands() AS command
             WHERE command.classid = 'pg_class'::regclass
            UNION ALL
            SELECT policy.polrelid, false
              FROM pg_event_trigger_ddl_commands() AS command
              JOIN pg_policy AS policy ON policy.oid = command.objid
             WHERE command.classid = 'pg_policy'::regclass
               AND command.command_tag <> 'CREATE POLICY'
          ) AS commands
         GROUP BY relid
    LOOP
        PERFORM cauldron.guard_check_table(touched.relid, touched.created);
    END LOOP;
    -- A new policy is judged only for what it adds to an isolated table: the table itself
    -- may be work in progress (an isolation policy created before ENABLE ROW LEVEL
    -- SECURITY, as pg_dump restores them).
    FOR touched IN
        SELECT DISTINCT policy.polrelid AS relid
          FROM pg_event_trigger_ddl_commands() AS command
          JOIN pg_policy AS policy ON policy.oid = command.objid
         WHERE command.classid = 'pg_policy'::regclass
           AND command.command_tag = 'CREATE POLICY'
    LOOP
        PERFORM cauldron.guard_check_policies(touched.relid);
    END LOOP;
END
$$;

CREATE FUNCTION cauldron.guard_sql_drop() RETURNS event_trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dropped record;
    relid oid;
BEGIN
    IF cauldron.guard_mode() = 'off' THEN
        RETURN;
    END IF;
    FOR dropped IN
        SELECT object.object_type, object.address_names
          FROM pg_event_trigger_dropped_objects() AS object
         WHERE (object.object_type = 'policy'
                AND object.address_names[3] = 'cauldron_isolation')
            OR (object.object_type = 'table column'
                AND object.address_names[3] = 'cauldron_id')
    LOOP
        -- A table dropped by the same statement is gone, and so are its worries.
        relid := to_regclass(format('%I.%I', dropped.address_names[1],
                                    dropped.address_names[2]));
        CONTINUE WHEN relid IS NULL OR NOT cauldron.guard_watches(relid);
        IF dropped.object_type = 'policy' AND NOT cauldron.guard_allowed(relid) THEN
            PERFORM cauldron.guard_report(relid, 'lost its isolation policy',
                format('Use SELECT cauldron.release(%L) to stop isolating a table.',
                       relid::regclass::text));
        ELSIF dropped.object_type = 'table column' THEN
            PERFORM cauldron.guard_report(relid, 'lost its tenant column',
                'Keep cauldron_id on every tenant table, or mark the table global with '
                || 'cauldron.share().');
        END IF;
    END LOOP;
END
$$;

CREATE EVENT TRIGGER cauldron_guard_ddl ON ddl_command_end
    WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE',
                 'CREATE POLICY', 'ALTER POLICY')
    EXECUTE FUNCTION cauldron.guard_ddl_command_end();

CREATE EVENT TRIGGER cauldron_guard_drop ON sql_drop
    WHEN TAG IN ('ALTER TABLE', 'DROP POLICY')
    EXECUTE FUNCTION cauldron.guard_sql_drop();
