-- Isolation helpers: make a table tenant-safe in one call, and undo it exactly.
--
-- Every helper runs with the caller's rights (SECURITY INVOKER): it can only do what the
-- caller could do with ALTER TABLE, so it needs no privilege check of its own. Each pins
-- search_path so that names in the caller's schemas cannot redirect it.
--
-- A table is *isolated* when it has ENABLE and FORCE ROW LEVEL SECURITY and the policy
-- `cauldron_isolation`: permissive, FOR ALL, TO PUBLIC, with both USING and WITH CHECK
-- `cauldron_id = (SELECT <extension schema>.current_cauldron())`. The scalar subquery makes
-- PostgreSQL call the function once per statement (an InitPlan) instead of once per row,
-- and lets the planner use an index on (cauldron_id, ...).

-- The policy expression, as CREATE POLICY takes it.
CREATE FUNCTION cauldron.isolation_expression() RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 'cauldron_id = (SELECT @extschema@.current_cauldron())';

-- The isolation condition as the server deparses it, with search_path pinned so the
-- function name comes out qualified; a varchar and a text tenant column deparse
-- differently, and both are fine.
CREATE FUNCTION cauldron.isolation_clauses() RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    VALUES
        (format('((cauldron_id)::text = (( SELECT %s.current_cauldron() AS current_cauldron))::text)',
                '@extschema@')),
        (format('(cauldron_id = (( SELECT %s.current_cauldron() AS current_cauldron))::text)',
                '@extschema@'))
$$;

-- Whether `relid` carries the isolation policy exactly as isolate() writes it. Compared on
-- the server's own deparse.
CREATE FUNCTION cauldron.has_isolation_policy(relid oid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
        FROM pg_policy AS policy
        CROSS JOIN cauldron.isolation_clauses() AS expected(expression)
        WHERE policy.polrelid = relid
          AND policy.polname = 'cauldron_isolation'
          AND policy.polcmd = '*'
          AND policy.polpermissive
          AND policy.polroles = '{0}'
          AND pg_get_expr(policy.polqual, policy.polrelid) = expected.expression
          AND pg_get_expr(policy.polwithcheck, policy.polrelid) = expected.expression
    )
$$;

-- Whether a deparsed clause keeps rows to the current cauldron (see below).
CREATE FUNCTION cauldron.keeps_to_the_cauldron(clause text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1 FROM cauldron.isolation_clauses() AS expected(expression)
         WHERE clause = expected.expression
            OR starts_with(clause, '(' || expected.expression || ' AND ')
    )
$$;

-- The permissive policies of `relid`, other than the isolation policy, that let rows of
-- other cauldrons through: permissive policies are ORed, so each one must keep to the
-- current cauldron on its own. A clause keeps to it when it is the isolation condition or
-- an AND whose first operand is (the deparser prints `(a AND b)` for an AND and nothing
-- else that way, so the prefix cannot belong to an OR). A tenant condition written any
-- other way is reported too: the guard errs on the side of the rows. Restrictive policies
-- only narrow what the permissive ones allow and are never reported.
CREATE FUNCTION cauldron.bypassing_policies(relid oid) RETURNS SETOF name
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH clauses AS (
        SELECT policy.polname,
               pg_get_expr(policy.polqual, policy.polrelid) AS using_clause,
               pg_get_expr(policy.polwithcheck, policy.polrelid) AS check_clause
          FROM pg_policy AS policy
         WHERE policy.polrelid = relid
           AND policy.polpermissive
           AND policy.polname <> 'cauldron_isolation'
    )
    SELECT clauses.polname
      FROM clauses
     WHERE (clauses.using_clause IS NULL AND clauses.check_clause IS NULL)
        OR NOT cauldron.keeps_to_the_cauldron(coalesce(clauses.using_clause, clauses.check_clause))
        OR NOT cauldron.keeps_to_the_cauldron(coalesce(clauses.check_clause, clauses.using_clause))
     ORDER BY clauses.polname
$$;

CREATE FUNCTION cauldron.is_shared(relid oid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
        FROM cauldron.shared_tables AS shared
        JOIN pg_namespace AS namespace ON namespace.nspname = shared.schema_name
        JOIN pg_class AS class ON class.relnamespace = namespace.oid
                              AND class.relname = shared.table_name
        WHERE class.oid = relid
    )
$$;

-- Schemas whose tables are never tenant data: the system's (TOAST and temporary-TOAST
-- included) and the extension's own registry. The helpers refuse their tables and the
-- guard does not look at them.
CREATE FUNCTION cauldron.is_system_schema(schema_name name) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT schema_name IN ('pg_catalog', 'information_schema', 'cauldron')
           OR schema_name ~ '^pg_toast'
$$;

-- Refuses the tables of system schemas. Without this a helper would fail later with a
-- misleading message (a hint to add a tenant column to pg_class) or, worse, succeed.
CREATE FUNCTION cauldron.require_user_table(relid oid, function_name text) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    schema_name name;
BEGIN
    SELECT namespace.nspname INTO schema_name
      FROM pg_class AS class
      JOIN pg_namespace AS namespace ON namespace.oid = class.relnamespace
     WHERE class.oid = relid;
    IF cauldron.is_system_schema(schema_name) THEN
        RAISE EXCEPTION '% is not a table of a user schema', relid::regclass
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = format('cauldron.%s() never changes the tables of schema %s.',
                                  function_name, schema_name),
                  HINT = 'System catalogs and the extension''s registry are not tenant data.';
    END IF;
END
$$;

-- The table and every table below it, partitions and plain inheritance children alike
-- (pg_inherits holds both), with their depth. A child queried directly is checked against
-- its own policies, not its parent's, so whatever isolates the parent must isolate it too.
-- A table reached along two paths (multiple inheritance) appears once, at its shallowest.
CREATE FUNCTION cauldron.table_tree(tbl regclass) RETURNS TABLE (relid regclass, level integer)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE tree (relid, level) AS (
        SELECT tbl::oid, 0
        UNION
        SELECT child.inhrelid, tree.level + 1
          FROM pg_inherits AS child
          JOIN tree ON child.inhparent = tree.relid
    )
    SELECT tree.relid::regclass, min(tree.level)
      FROM tree
     GROUP BY tree.relid
$$;

-- Adds the tenant column `cauldron_id varchar(50) NOT NULL DEFAULT current_cauldron()`.
--
-- With a current cauldron, PostgreSQL evaluates the default once and stores it as the
-- value of every existing row without rewriting the table (a "fast default"), so the call
-- takes milliseconds whatever the size: EXISTING ROWS TAKE THE CAULDRON CURRENT AT THE CALL.
-- Without a current cauldron only an empty table can take the column.
CREATE FUNCTION cauldron.add_tenant_column(tbl regclass) RETURNS text
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    relation pg_class;
    column_type text;
    column_not_null boolean;
    column_default text;
    current_id text;
BEGIN
    PERFORM cauldron.require_argument('add_tenant_column', 'tbl', tbl IS NULL);
    PERFORM cauldron.require_user_table(tbl, 'add_tenant_column');
    SELECT * INTO relation FROM pg_class WHERE oid = tbl;
    IF relation.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION 'cannot add a tenant column to %', tbl
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'Only tables and partitioned tables take a tenant column.';
    END IF;
    IF relation.relispartition THEN
        RAISE EXCEPTION 'cannot add a tenant column to partition %', tbl
            USING ERRCODE = 'wrong_object_type',
                  HINT = 'Add it to the partitioned table; its partitions follow.';
    END IF;

    SELECT format_type(attribute.atttypid, attribute.atttypmod), attribute.attnotnull,
           pg_get_expr(default_value.adbin, default_value.adrelid)
      INTO column_type, column_not_null, column_default
      FROM pg_attribute AS attribute
      LEFT JOIN pg_attrdef AS default_value
             ON default_value.adrelid = attribute.attrelid
            AND default_value.adnum = attribute.attnum
     WHERE attribute.attrelid = tbl AND attribute.attname = 'cauldron_id'
       AND NOT attribute.attisdropped;
    IF FOUND THEN
        IF column_type = 'character varying(50)' AND column_not_null
           AND column_default = '@extschema@.current_cauldron()' THEN
            RETURN 'unchanged: the tenant column is already in place';
        END IF;
        RAISE EXCEPTION 'table % already has a column named cauldron_id', tbl
            USING ERRCODE = 'duplicate_column',
                  DETAIL = format('It is %s%s, default %s.', column_type,
                                  CASE WHEN column_not_null THEN ' NOT NULL' ELSE '' END,
                                  coalesce(column_default, 'none')),
                  HINT = 'Change it by hand to varchar(50) NOT NULL DEFAULT current_cauldron(), '
                      || 'then call add_tenant_column again.';
    END IF;

    SELECT context.cauldron_id INTO current_id FROM cauldron.context() AS context;
    IF current_id IS NOT NULL THEN
        EXECUTE format(
            'ALTER TABLE %s ADD COLUMN cauldron_id varchar(50) NOT NULL '
            'DEFAULT @extschema@.current_cauldron()', tbl);
        RETURN format('added: existing rows belong to cauldron %s', current_id);
    END IF;

    -- No cauldron to give existing rows: add the column empty, then require NOT NULL, which
    -- holds only if the table has no rows. Two statements, because a partitioned table
    -- takes SET NOT NULL only once its partitions have the column; guard_allow() keeps the
    -- guard from judging the table in between.
    PERFORM cauldron.guard_allow(tbl);
    EXECUTE format('ALTER TABLE %s ADD COLUMN cauldron_id varchar(50)', tbl);
    BEGIN
        EXECUTE format(
            'ALTER TABLE %s ALTER COLUMN cauldron_id SET DEFAULT @extschema@.current_cauldron(), '
            'ALTER COLUMN cauldron_id SET NOT NULL', tbl);
    EXCEPTION WHEN not_null_violation THEN
        RAISE EXCEPTION 'table % has rows and no cauldron is set to give them', tbl
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Enter the cauldron the existing rows belong to, then call '
                      || 'add_tenant_column again: SELECT cauldron.enter(''<id>'');';
    END;
    PERFORM cauldron.guard_done(tbl);
    RETURN 'added: the table was empty';
END
$$;

-- Isolates one table (not its partitions) and says what it did.
CREATE FUNCTION cauldron.isolate_one(relid oid) RETURNS text
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    relation pg_class;
    expression text := cauldron.isolation_expression();
    create_policy text := format(
        'CREATE POLICY cauldron_isolation ON %s AS PERMISSIVE FOR ALL TO PUBLIC '
        'USING (%s) WITH CHECK (%s)', relid::regclass, expression, expression);
    existing pg_policy;
    bypassing name;
BEGIN
    SELECT * INTO relation FROM pg_class WHERE oid = relid;
    IF relation.relkind = 'f' THEN
        RETURN 'skipped: foreign tables cannot enforce row-level security';
    END IF;
    IF relation.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '% is not a table', relid::regclass USING ERRCODE = 'wrong_object_type';
    END IF;
    IF cauldron.is_shared(relid) THEN
        RAISE EXCEPTION 'table % is shared', relid::regclass
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Shared tables hold data of every cauldron and are never isolated.',
                  HINT = format('Call SELECT cauldron.unshare(%L) first if it holds tenant data.',
                                relid::regclass::text);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = relid
                   AND attname = 'cauldron_id' AND NOT attisdropped) THEN
        RAISE EXCEPTION 'table % has no tenant column', relid::regclass
            USING ERRCODE = 'undefined_column',
                  HINT = format('Add it with SELECT cauldron.add_tenant_column(%L);',
                                relid::regclass::text);
    END IF;

    -- Other permissive policies are the table owner's to change, not isolate()'s, but a
    -- table is only as isolated as its loosest permissive policy.
    -- The EXISTS spares most tables the deparsing bypassing_policies() does.
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = relid AND polpermissive
                 AND polname <> 'cauldron_isolation') THEN
        FOR bypassing IN SELECT * FROM cauldron.bypassing_policies(relid) LOOP
            RAISE WARNING 'policy % on % lets rows of other cauldrons through', bypassing,
                          relid::regclass
                USING HINT = 'Permissive policies are ORed with the isolation policy: make '
                          || 'it AS RESTRICTIVE, or begin its clauses with '
                          || 'cauldron_id = (SELECT current_cauldron()) AND ...';
        END LOOP;
    END IF;

    IF relation.relrowsecurity AND relation.relforcerowsecurity
       AND cauldron.has_isolation_policy(relid) THEN
        RETURN 'unchanged: already isolated';
    END IF;

    -- Row-level security goes on before the policy exists, and a wrong policy is fixed
    -- under guard_allow(), so the guard never sees a half-isolated table.
    PERFORM cauldron.guard_allow(relid);
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY',
                   relid::regclass);
    SELECT * INTO existing FROM pg_policy
     WHERE polrelid = relid AND polname = 'cauldron_isolation';
    IF NOT FOUND THEN
        EXECUTE create_policy;
        -- release() restores exactly these flags; the comment travels with pg_dump.
        EXECUTE format('COMMENT ON POLICY cauldron_isolation ON %s IS %L', relid::regclass,
                       format('cauldron isolation policy; before isolate: rls=%s force=%s',
                              CASE WHEN relation.relrowsecurity THEN 'on' ELSE 'off' END,
                              CASE WHEN relation.relforcerowsecurity THEN 'on' ELSE 'off' END));
    ELSIF existing.polcmd = '*' AND existing.polpermissive THEN
        EXECUTE format('ALTER POLICY cauldron_isolation ON %s TO PUBLIC USING (%s) WITH CHECK (%s)',
                       relid::regclass, expression, expression);
    ELSE
        EXECUTE format('DROP POLICY cauldron_isolation ON %s', relid::regclass);
        EXECUTE create_policy;
    END IF;
    PERFORM cauldron.guard_done(relid);
    RETURN CASE WHEN existing.polname IS NULL THEN 'isolated' ELSE 'isolated: policy corrected' END;
END
$$;

-- ENABLE + FORCE row-level security and the isolation policy, on the table and every
-- partition below it. Idempotent.
CREATE FUNCTION cauldron.isolate(tbl regclass)
    RETURNS TABLE (table_name regclass, action text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM cauldron.require_argument('isolate', 'tbl', tbl IS NULL);
    PERFORM cauldron.require_user_table(tbl, 'isolate');
    RETURN QUERY
        -- Partitions first: the guard objects to an isolated table with partitions that
        -- are not, so the parent's policy comes last.
        SELECT tree.relid::regclass, cauldron.isolate_one(tree.relid)
          FROM cauldron.table_tree(tbl) AS tree
         ORDER BY tree.level DESC, tree.relid::text;
END
$$;

-- The exact undo of isolate(): drops the policy and puts back the row-level security flags
-- the table had before.
CREATE FUNCTION cauldron.release(tbl regclass)
    RETURNS TABLE (table_name regclass, action text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    member record;
    note text;
    had_rls boolean;
    had_force boolean;
BEGIN
    PERFORM cauldron.require_argument('release', 'tbl', tbl IS NULL);
    FOR member IN
        -- The parent first, for the same reason isolate() does it last.
        SELECT tree.relid FROM cauldron.table_tree(tbl) AS tree
         ORDER BY tree.level, tree.relid::text
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = member.relid
                       AND polname = 'cauldron_isolation') THEN
            table_name := member.relid; action := 'unchanged: not isolated';
            RETURN NEXT;
            CONTINUE;
        END IF;
        note := obj_description(
            (SELECT oid FROM pg_policy WHERE polrelid = member.relid
               AND polname = 'cauldron_isolation'), 'pg_policy');
        had_rls := coalesce(note ~ 'rls=on', false);
        had_force := coalesce(note ~ 'force=on', false);
        PERFORM cauldron.guard_allow(member.relid);
        EXECUTE format('DROP POLICY cauldron_isolation ON %s', member.relid::regclass);
        EXECUTE format('ALTER TABLE %s %s ROW LEVEL SECURITY, %s ROW LEVEL SECURITY',
                       member.relid::regclass,
                       CASE WHEN had_rls THEN 'ENABLE' ELSE 'DISABLE' END,
                       CASE WHEN had_force THEN 'FORCE' ELSE 'NO FORCE' END);
        PERFORM cauldron.guard_done(member.relid);
        table_name := member.relid; action := 'released';
        RETURN NEXT;
    END LOOP;
END
$$;

-- Whether isolate_schema() reaches `relid` through a parent it isolates anyway: a parent
-- (partitioned, or by plain inheritance) in the same schema that is not shared.
CREATE FUNCTION cauldron.isolated_through_parent(relid oid, schema_oid oid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM pg_inherits AS inheritance
          JOIN pg_class AS parent ON parent.oid = inheritance.inhparent
         WHERE inheritance.inhrelid = relid
           AND parent.relnamespace = schema_oid
           AND NOT cauldron.is_shared(parent.oid)
    )
$$;

-- Isolates every table of a schema that is not shared. All or nothing: if any table lacks
-- the tenant column, nothing is changed and the error lists them.
CREATE FUNCTION cauldron.isolate_schema(schema_name name)
    RETURNS TABLE (table_name regclass, action text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    schema_oid oid;
    missing text;
BEGIN
    PERFORM cauldron.require_argument('isolate_schema', 'schema_name', schema_name IS NULL);
    SELECT oid INTO schema_oid FROM pg_namespace WHERE nspname = schema_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'schema "%" does not exist', schema_name
            USING ERRCODE = 'invalid_schema_name';
    END IF;

    SELECT string_agg(class.oid::regclass::text, ', ' ORDER BY class.relname) INTO missing
      FROM pg_class AS class
     WHERE class.relnamespace = schema_oid AND class.relkind IN ('r', 'p')
       AND NOT cauldron.isolated_through_parent(class.oid, schema_oid)
       AND NOT cauldron.is_shared(class.oid)
       AND NOT EXISTS (SELECT 1 FROM pg_depend WHERE classid = 'pg_class'::regclass
                       AND objid = class.oid AND deptype = 'e')
       AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = class.oid
                       AND attname = 'cauldron_id' AND NOT attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'tables of schema "%" have no tenant column', schema_name
            USING ERRCODE = 'undefined_column',
                  DETAIL = 'Without a tenant column: ' || missing || '.',
                  HINT = 'Add the column with cauldron.add_tenant_column(), or mark global '
                      || 'tables with cauldron.share(); nothing was changed.';
    END IF;

    RETURN QUERY
        SELECT class.oid::regclass, 'unchanged: shared'::text
          FROM pg_class AS class
         WHERE class.relnamespace = schema_oid AND class.relkind IN ('r', 'p')
           AND cauldron.is_shared(class.oid)
        UNION ALL
        SELECT isolated.table_name, isolated.action
          FROM pg_class AS class
          CROSS JOIN LATERAL cauldron.isolate(class.oid) AS isolated
         WHERE class.relnamespace = schema_oid AND class.relkind IN ('r', 'p')
           AND NOT cauldron.isolated_through_parent(class.oid, schema_oid)
           AND NOT cauldron.is_shared(class.oid)
           AND NOT EXISTS (SELECT 1 FROM pg_depend WHERE classid = 'pg_class'::regclass
                           AND objid = class.oid AND deptype = 'e');
END
$$;

-- Resolves a table name as share() and unshare() take it: an existing table by the usual
-- search_path rules, or a name not created yet, unqualified meaning the current schema.
CREATE FUNCTION cauldron.table_name_parts(tbl text, OUT schema_name name, OUT table_name name)
    LANGUAGE plpgsql STABLE
    -- No pinned search_path: names resolve as the caller wrote them; every reference
    -- below is qualified instead.
AS $$
DECLARE
    existing oid := pg_catalog.to_regclass(tbl);
    parts text[];
BEGIN
    IF existing IS NOT NULL THEN
        SELECT namespace.nspname, class.relname INTO schema_name, table_name
          FROM pg_catalog.pg_class AS class
          JOIN pg_catalog.pg_namespace AS namespace ON namespace.oid = class.relnamespace
         WHERE class.oid = existing;
        RETURN;
    END IF;
    parts := pg_catalog.parse_ident(tbl);
    CASE pg_catalog.cardinality(parts)
        WHEN 1 THEN schema_name := pg_catalog.current_schema(); table_name := parts[1];
        WHEN 2 THEN schema_name := parts[1]; table_name := parts[2];
        ELSE RAISE EXCEPTION 'improper table name: %', tbl USING ERRCODE = 'invalid_name';
    END CASE;
    IF schema_name IS NULL THEN
        RAISE EXCEPTION 'no schema has been selected to hold table %', tbl
            USING ERRCODE = 'invalid_schema_name', HINT = 'Qualify the name with its schema.';
    END IF;
END
$$;

-- Marks a table as global on purpose: no tenant column, never isolated. The table need not
-- exist yet, so a table can be declared shared before a migration creates it under an
-- enforcing guard.
CREATE FUNCTION cauldron.share(tbl text, reason text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    target record;
BEGIN
    PERFORM cauldron.require_argument('share', 'tbl', tbl IS NULL);
    SELECT * INTO target FROM cauldron.table_name_parts(tbl);
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_policy AS policy
                 JOIN pg_catalog.pg_class AS class ON class.oid = policy.polrelid
                 JOIN pg_catalog.pg_namespace AS namespace ON namespace.oid = class.relnamespace
                WHERE namespace.nspname = target.schema_name AND class.relname = target.table_name
                  AND policy.polname = 'cauldron_isolation') THEN
        RAISE EXCEPTION 'table %.% is isolated', quote_ident(target.schema_name),
                        quote_ident(target.table_name)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Call SELECT cauldron.release(%L) first.', tbl);
    END IF;
    INSERT INTO cauldron.shared_tables (schema_name, table_name, reason)
    VALUES (target.schema_name, target.table_name, reason)
    ON CONFLICT ON CONSTRAINT shared_tables_pkey DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'unchanged: already shared';
    END IF;
    -- Said apart so that a misspelt name does not pass for a shared table.
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class AS class
                     JOIN pg_catalog.pg_namespace AS namespace
                       ON namespace.oid = class.relnamespace
                    WHERE namespace.nspname = target.schema_name
                      AND class.relname = target.table_name) THEN
        RETURN format('shared: %I.%I does not exist yet', target.schema_name,
                      target.table_name);
    END IF;
    RETURN 'shared';
END
$$;

CREATE FUNCTION cauldron.unshare(tbl text) RETURNS text
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    target record;
BEGIN
    PERFORM cauldron.require_argument('unshare', 'tbl', tbl IS NULL);
    SELECT * INTO target FROM cauldron.table_name_parts(tbl);
    DELETE FROM cauldron.shared_tables AS shared
     WHERE shared.schema_name = target.schema_name AND shared.table_name = target.table_name;
    RETURN CASE WHEN FOUND THEN 'unshared' ELSE 'unchanged: not shared' END;
END
$$;
