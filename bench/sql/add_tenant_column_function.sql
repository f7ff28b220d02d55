-- add_tenant_column gives existing rows the cauldron current at the call, so it needs one.
BEGIN;
SELECT cauldron.enter('acme') \g /dev/null
SELECT bench.time('add_tenant_column', 'add_tenant_column', :round,
                  $$SELECT cauldron.add_tenant_column('bench.with_function')$$) \g /dev/null
COMMIT;
