-- Benchmark C, one round: cauldron.isolate_schema() on a schema of :tables tables that
-- already carry the tenant column. Every round starts from the same catalog: the previous
-- round's tables are dropped one statement each, because dropping 1,000 tables in one
-- statement needs more locks than a default server has.
--
-- Variables: tables, round.

SELECT set_config('bench.tables', :'tables', false),
       set_config('bench.round', :'round', false) \g /dev/null
SET cauldron.guard = off;
SELECT format('DROP TABLE %s', oid::regclass)
  FROM pg_class WHERE relnamespace::regnamespace::text LIKE 'app\_%' AND relkind = 'r' \gexec
SELECT format('DROP SCHEMA %I', nspname) FROM pg_namespace WHERE nspname LIKE 'app\_%' \gexec
SELECT format('CREATE SCHEMA app_%s', :round) \gexec
SELECT format('CREATE TABLE app_%s.%I (id bigint PRIMARY KEY, '
              'cauldron_id varchar(50) NOT NULL DEFAULT current_cauldron(), payload text)',
              :round, 'table_' || lpad(n::text, 4, '0'))
  FROM generate_series(1, :tables) AS n \gexec
-- The guard's checks are part of what isolating costs, so they run while it is timed.
RESET cauldron.guard;

SELECT bench.time('isolate_schema', 'isolate_schema', :round,
                  format('SELECT count(*) FROM cauldron.isolate_schema(%L)', 'app_' || :round))
\g /dev/null

-- A fast run that isolated nothing would be no result at all.
DO $$
DECLARE
    isolated integer;
BEGIN
    SELECT count(*) INTO isolated
      FROM pg_class
     WHERE relnamespace = format('app_%s', current_setting('bench.round'))::regnamespace
       AND relkind = 'r' AND relrowsecurity AND relforcerowsecurity AND cauldron.has_isolation_policy(oid);
    IF isolated <> current_setting('bench.tables')::integer THEN
        RAISE EXCEPTION 'isolate_schema isolated % tables of %', isolated,
                        current_setting('bench.tables');
    END IF;
END
$$;
