-- The registry of cauldrons. Both tables are extension configuration tables, so pg_dump
-- keeps their rows although it leaves the extension's own objects to CREATE EXTENSION.

CREATE SCHEMA IF NOT EXISTS cauldron;
COMMENT ON SCHEMA cauldron IS 'The cauldron extension: registry, context and isolation helpers.';

CREATE TABLE cauldron.cauldrons (
    id       varchar(50) PRIMARY KEY
             -- The same rule as the extension's id check, so a DBA's direct INSERT cannot
             -- register an id that cauldron.enter() would refuse.
             CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$'),
    name     text NOT NULL,
    created  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    disabled boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE cauldron.cauldrons IS 'Registered cauldrons (tenants); cauldron.enter() accepts only enabled ones.';
SELECT pg_catalog.pg_extension_config_dump('cauldron.cauldrons', '');

-- Tables that are global on purpose: no tenant column, no isolation policy.
CREATE TABLE cauldron.shared_tables (
    schema_name name NOT NULL,
    table_name  name NOT NULL,
    reason      text,
    PRIMARY KEY (schema_name, table_name)
);
COMMENT ON TABLE cauldron.shared_tables IS 'Tables that hold data of no single cauldron; the guard, isolate_schema and cauldron-audit leave them alone.';
SELECT pg_catalog.pg_extension_config_dump('cauldron.shared_tables', '');

-- Refuses a NULL argument of a helper. The helpers are not STRICT on purpose: a STRICT
-- function called with NULL silently does nothing and returns NULL, which a migration
-- script would read as success.
CREATE FUNCTION cauldron.require_argument(function_name text, argument_name text,
                                          missing boolean) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF missing THEN
        RAISE EXCEPTION '% must not be NULL', argument_name
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = format('cauldron.%s() was called with a NULL %s.', function_name,
                                  argument_name);
    END IF;
END
$$;
