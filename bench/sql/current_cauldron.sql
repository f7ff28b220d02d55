-- Benchmark A: the per-call cost of current_cauldron() against the built-in
-- current_setting('cauldron.id'), which reads the same setting.
--
-- Each query calls its function once per row of generate_series. The call sits inside
-- CASE WHEN g > 0, so its argument depends on the row: the planner can neither fold it
-- into a constant nor hoist it into an InitPlan, and EXPLAIN VERBOSE below shows it in the
-- per-row expression. The baseline runs the same loop with a constant in place of the
-- call; subtracting it leaves the cost of the call alone.
--
-- Variables: calls (rows per query), rounds (measured rounds after one warm-up).

BEGIN;
SELECT cauldron.enter('acme') \g /dev/null
SELECT set_config('bench.rounds', :'rounds', true) \g /dev/null

CREATE TEMP TABLE queries (variant text PRIMARY KEY, query text NOT NULL);
INSERT INTO queries VALUES
    ('baseline', format($q$SELECT count(x) FROM (SELECT CASE WHEN g > 0 THEN 'acme'::varchar END AS x
                          FROM generate_series(1, %s) AS g) AS s$q$, :calls)),
    ('current_setting', format($q$SELECT count(x) FROM (SELECT CASE WHEN g > 0 THEN current_setting('cauldron.id') END AS x
                          FROM generate_series(1, %s) AS g) AS s$q$, :calls)),
    ('current_cauldron', format($q$SELECT count(x) FROM (SELECT CASE WHEN g > 0 THEN current_cauldron() END AS x
                          FROM generate_series(1, %s) AS g) AS s$q$, :calls));

\echo '-- plans (the call must appear in the per-row expression, with no InitPlan)'
SELECT format('EXPLAIN VERBOSE %s', query) FROM queries WHERE variant <> 'baseline'
 ORDER BY variant \gexec

-- Interleaved rounds, so drift in the machine's speed spreads over every variant alike.
-- Round 0 warms caches and is left out of the medians.
DO $$
DECLARE
    rounds integer := current_setting('bench.rounds')::integer;
    entry record;
BEGIN
    FOR round IN 0 .. rounds LOOP
        FOR entry IN SELECT * FROM queries ORDER BY variant LOOP
            PERFORM bench.time('current_cauldron', entry.variant, round, entry.query);
        END LOOP;
    END LOOP;
END
$$;

COMMIT;

SELECT max(median_ms) FILTER (WHERE variant = 'baseline') AS baseline_ms,
       max(median_ms) FILTER (WHERE variant = 'current_setting') AS setting_ms,
       max(median_ms) FILTER (WHERE variant = 'current_cauldron') AS cauldron_ms
  FROM bench.medians('current_cauldron') \gset

\echo
\echo '-- per-call cost over' :calls 'calls per query, median of' :rounds 'interleaved rounds'
SELECT variant, round(median_ms::numeric, 1) AS median_ms,
       round(((median_ms - :baseline_ms) * 1e6 / :calls)::numeric, 1) AS ns_per_call
  FROM bench.medians('current_cauldron') ORDER BY variant;
SELECT round(((:cauldron_ms - :baseline_ms) / (:setting_ms - :baseline_ms))::numeric, 3)
       AS "ratio current_cauldron/current_setting";
