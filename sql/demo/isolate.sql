-- Turns the pilot schema into a multi-tenant one with the extension's helpers, as a DBA
-- would: register the cauldrons, switch the column defaults to current_cauldron(), scope
-- the foreign key by cauldron and isolate the schema.
\set ON_ERROR_STOP on

SELECT cauldron.create_cauldron('10ksb-pilot', 'The pilot');
SELECT cauldron.create_cauldron('acme', 'Acme Corporation');

-- The pilot keeps working unchanged: sessions that enter no cauldron get the pilot's.
ALTER DATABASE :"DBNAME" SET cauldron.default_id = '10ksb-pilot';

ALTER TABLE members ALTER COLUMN cauldron_id SET DEFAULT current_cauldron();
ALTER TABLE stories ALTER COLUMN cauldron_id SET DEFAULT current_cauldron();
SELECT cauldron.scope_foreign_key('stories', 'stories_member_id_fkey');
SELECT * FROM cauldron.isolate_schema('public');

-- The application's role: it may switch cauldrons (it is the trusted pooler role) and
-- read and write the tables, nothing more.
SELECT format('CREATE ROLE cauldron_demo_app LOGIN')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cauldron_demo_app') \gexec
GRANT EXECUTE ON FUNCTION cauldron.enter(text, boolean), cauldron.exit() TO cauldron_demo_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON members, stories TO cauldron_demo_app;

SELECT table_name, tenant_not_null, tenant_default, unindexed_foreign_keys, rls_forced,
       isolation_policy
  FROM cauldron.status();
