-- Tenant-scoped foreign keys: (cauldron_id, cols) REFERENCES parent (cauldron_id, refcols),
-- so a row can only ever point at a parent row of its own cauldron.

-- Column names of `relid` for the attribute numbers `attnums`, quoted, in order.
CREATE FUNCTION cauldron.column_list(relid oid, attnums smallint[]) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT string_agg(quote_ident(attribute.attname), ', ' ORDER BY key.position)
      FROM unnest(attnums) WITH ORDINALITY AS key(attnum, position)
      JOIN pg_attribute AS attribute
        ON attribute.attrelid = relid AND attribute.attnum = key.attnum
$$;

-- Whether a valid, non-partial, expression-free index of `relid` has exactly `attnums` as
-- its leading key columns, in order (unique_only: and is unique on exactly those columns).
CREATE FUNCTION cauldron.has_index_on(relid oid, attnums smallint[], unique_only boolean)
    RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM pg_index AS index
         WHERE index.indrelid = relid
           AND index.indisvalid AND index.indpred IS NULL AND index.indexprs IS NULL
           AND CASE WHEN unique_only
                    THEN index.indisunique AND index.indnkeyatts = cardinality(attnums)
                         AND (string_to_array(index.indkey::text, ' ')::smallint[])[1:index.indnkeyatts]
                             @> attnums
                         AND attnums @> (string_to_array(index.indkey::text, ' ')::smallint[])[1:index.indnkeyatts]
                    ELSE (string_to_array(index.indkey::text, ' ')::smallint[])[1:cardinality(attnums)]
                         = attnums
               END
    )
$$;

CREATE FUNCTION cauldron.scope_foreign_key(tbl regclass, constraint_name name) RETURNS text
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    foreign_key pg_constraint;
    child_tenant smallint;
    parent_tenant smallint;
    columns text;
    referenced text;
    actions text := '';
    done text[] := '{}';
BEGIN
    PERFORM cauldron.require_argument('scope_foreign_key', 'tbl', tbl IS NULL);
    PERFORM cauldron.require_argument('scope_foreign_key', 'constraint_name',
                                      constraint_name IS NULL);
    SELECT * INTO foreign_key FROM pg_constraint
     WHERE conrelid = tbl AND conname = constraint_name AND contype = 'f';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'foreign key "%" of table % does not exist', constraint_name, tbl
            USING ERRCODE = 'undefined_object';
    END IF;
    IF foreign_key.conparentid <> 0 THEN
        RAISE EXCEPTION 'foreign key "%" of % is inherited from a partitioned table',
                        constraint_name, tbl
            USING ERRCODE = 'wrong_object_type',
                  HINT = format('Scope it on %s instead.',
                                (SELECT conrelid::regclass FROM pg_constraint
                                  WHERE oid = foreign_key.conparentid));
    END IF;

    SELECT attnum INTO child_tenant FROM pg_attribute
     WHERE attrelid = tbl AND attname = 'cauldron_id' AND NOT attisdropped;
    SELECT attnum INTO parent_tenant FROM pg_attribute
     WHERE attrelid = foreign_key.confrelid AND attname = 'cauldron_id' AND NOT attisdropped;
    IF child_tenant IS NULL OR parent_tenant IS NULL THEN
        RAISE EXCEPTION 'table % has no tenant column',
                        CASE WHEN child_tenant IS NULL THEN tbl
                             ELSE foreign_key.confrelid::regclass END
            USING ERRCODE = 'undefined_column',
                  HINT = 'Add it with cauldron.add_tenant_column() on both tables first.';
    END IF;
    IF foreign_key.conkey[1] = child_tenant AND foreign_key.confkey[1] = parent_tenant THEN
        RETURN 'unchanged: already scoped';
    END IF;
    IF child_tenant = ANY (foreign_key.conkey) OR parent_tenant = ANY (foreign_key.confkey) THEN
        RAISE EXCEPTION 'foreign key "%" of % already uses the tenant column, out of place',
                        constraint_name, tbl
            USING ERRCODE = 'invalid_table_definition',
                  HINT = 'Rewrite it by hand with cauldron_id as its first column.';
    END IF;
    -- ON UPDATE SET NULL/SET DEFAULT take no column list, so they would null or reset the
    -- tenant column itself; PostgreSQL 15's column lists cover ON DELETE.
    IF foreign_key.confupdtype IN ('n', 'd') THEN
        RAISE EXCEPTION 'foreign key "%" of % uses ON UPDATE SET %', constraint_name, tbl,
                        CASE foreign_key.confupdtype WHEN 'n' THEN 'NULL' ELSE 'DEFAULT' END
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Scoped, the action would also change the tenant column.',
                  HINT = 'Change the ON UPDATE action first (for example to CASCADE).';
    END IF;

    columns := cauldron.column_list(tbl, foreign_key.conkey);
    referenced := cauldron.column_list(foreign_key.confrelid, foreign_key.confkey);

    IF NOT cauldron.has_index_on(foreign_key.confrelid,
                                 parent_tenant || foreign_key.confkey, true) THEN
        EXECUTE format('ALTER TABLE %s ADD UNIQUE (cauldron_id, %s)',
                       foreign_key.confrelid::regclass, referenced);
        done := done || format('added UNIQUE (cauldron_id, %s) to %s', referenced,
                               foreign_key.confrelid::regclass);
    END IF;
    IF NOT cauldron.has_index_on(tbl, child_tenant || foreign_key.conkey, false) THEN
        EXECUTE format('CREATE INDEX ON %s (cauldron_id, %s)', tbl, columns);
        done := done || format('added index (cauldron_id, %s)', columns);
    END IF;

    actions := format(' MATCH %s ON UPDATE %s ON DELETE %s',
        CASE foreign_key.confmatchtype WHEN 'f' THEN 'FULL' ELSE 'SIMPLE' END,
        CASE foreign_key.confupdtype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
             ELSE 'CASCADE' END,
        CASE foreign_key.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
             WHEN 'c' THEN 'CASCADE'
             WHEN 'n' THEN format('SET NULL (%s)', cauldron.column_list(tbl,
                                  coalesce(foreign_key.confdelsetcols, foreign_key.conkey)))
             ELSE format('SET DEFAULT (%s)', cauldron.column_list(tbl,
                         coalesce(foreign_key.confdelsetcols, foreign_key.conkey))) END);
    IF foreign_key.condeferrable THEN
        actions := actions || ' DEFERRABLE INITIALLY '
                   || CASE WHEN foreign_key.condeferred THEN 'DEFERRED' ELSE 'IMMEDIATE' END;
    END IF;
    IF NOT foreign_key.convalidated THEN
        actions := actions || ' NOT VALID';
    END IF;

    -- One statement: the old key is never gone while the new one is missing.
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I FOREIGN KEY '
                   '(cauldron_id, %s) REFERENCES %s (cauldron_id, %s)%s',
                   tbl, constraint_name, constraint_name, columns,
                   foreign_key.confrelid::regclass, referenced, actions);
    done := done || format('scoped %I', constraint_name);
    RETURN array_to_string(done, '; ');
END
$$;
