#!/usr/bin/env bash
# Benchmarks of the isolation helpers on realistic sizes:
#   C. cauldron.isolate_schema() on a schema of 1,000 tables;
#   D. cauldron.add_tenant_column() on a 1M-row table against a plain ALTER TABLE ... ADD
#      COLUMN ... DEFAULT 'literal' on an identical table, proving neither rewrites it.
# Usage: bash bench/isolation.sh   (as root; takes a few minutes)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DATABASE=cauldron_bench_isolation
TABLES=${TABLES:-1000}
SCHEMA_ROUNDS=${SCHEMA_ROUNDS:-3}
ROWS=${ROWS:-1000000}
COLUMN_ROUNDS=${COLUMN_ROUNDS:-7}

main() {
  install_release_extension
  remember_release_library
  fresh_database "$DATABASE"
  assert_release_library
  benchmark_isolate_schema
  assert_release_library
  benchmark_add_tenant_column
  assert_release_library
}

benchmark_isolate_schema() {
  log "C. isolate_schema on $TABLES tables, $SCHEMA_ROUNDS rounds after a warm-up"
  # Round 0 warms the catalog caches and is left out of the median.
  for round in $(seq 0 "$SCHEMA_ROUNDS"); do
    sql -d "$DATABASE" -v tables="$TABLES" -v round="$round" \
      -f "$BENCH_SQL/isolate_schema.sql"
  done
  sql -d "$DATABASE" -v tables="$TABLES" <<'SQL'
SELECT round, round(ms::numeric) AS ms FROM bench.timings
 WHERE benchmark = 'isolate_schema' ORDER BY round;
SELECT round((median_ms / 1000)::numeric, 2) AS median_seconds,
       round((median_ms / :tables)::numeric, 2) AS ms_per_table
  FROM bench.medians('isolate_schema');
SQL
}

benchmark_add_tenant_column() {
  log "D. add_tenant_column against ALTER TABLE on $ROWS rows, $COLUMN_ROUNDS rounds"
  sql -d "$DATABASE" -v rows="$ROWS" -f "$BENCH_SQL/add_tenant_column_setup.sql"
  for round in $(seq 0 "$COLUMN_ROUNDS"); do
    # Alternate which goes first, so neither always runs right after the copy.
    local function_first=true
    [ $((round % 2)) -eq 0 ] && function_first=false
    sql -d "$DATABASE" -v round="$round" -v function_first="$function_first" \
      -f "$BENCH_SQL/add_tenant_column_round.sql"
  done
  sql -d "$DATABASE" -f "$BENCH_SQL/add_tenant_column_report.sql"
}

main "$@"
