-- Objects every benchmark database gets: the extension, a cauldron to work in, and a
-- server-side stopwatch.
--
-- Timing on the server (clock_timestamp around EXECUTE) keeps the client round trip and
-- psql's output out of the figures, which matters when one variant takes milliseconds.

CREATE EXTENSION cauldron;
-- The stopwatch table is the benchmark's own, not tenant data.
SET cauldron.guard = off;
SELECT cauldron.create_cauldron('acme', 'Acme') \g /dev/null

CREATE SCHEMA bench;

CREATE TABLE bench.timings (
    benchmark text NOT NULL,
    variant   text NOT NULL,
    round     integer NOT NULL,
    ms        double precision NOT NULL
);

-- Runs `statement` once and records how long it took.
CREATE FUNCTION bench.time(benchmark text, variant text, round integer, statement text)
    RETURNS double precision
    LANGUAGE plpgsql
AS $$
DECLARE
    started timestamptz := clock_timestamp();
    elapsed double precision;
BEGIN
    EXECUTE statement;
    elapsed := extract(epoch FROM clock_timestamp() - started) * 1000;
    INSERT INTO bench.timings VALUES (benchmark, variant, round, elapsed);
    RETURN elapsed;
END
$$;

-- The median of each variant of one benchmark.
CREATE FUNCTION bench.medians(benchmark_name text)
    RETURNS TABLE (variant text, rounds bigint, median_ms double precision)
    LANGUAGE sql STABLE
AS $$
    SELECT variant, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)
      FROM bench.timings
     WHERE benchmark = benchmark_name AND round > 0
     GROUP BY variant
$$;
