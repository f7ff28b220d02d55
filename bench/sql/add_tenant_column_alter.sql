-- The hand-written equivalent for a single-tenant pilot: a literal default.
BEGIN;
SELECT bench.time('add_tenant_column', 'alter_table', :round,
                  $$ALTER TABLE bench.with_alter
                    ADD COLUMN cauldron_id varchar(50) NOT NULL DEFAULT 'acme'$$) \g /dev/null
COMMIT;
