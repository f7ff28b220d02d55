#!/usr/bin/env bash
# Benchmarks of the extension's hot paths, each variant measured against its plain
# PostgreSQL counterpart in the same run:
#   A. the per-call cost of current_cauldron() against current_setting('cauldron.id');
#   B. pgbench throughput of a tenant-scoped point query under the isolation policy against
#      the same query with the tenant filter written by the application.
# Usage: bash bench/extension.sh   (as root; takes about five minutes)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DATABASE=cauldron_bench
CALLS=${CALLS:-2000000}
CALL_ROUNDS=${CALL_ROUNDS:-7}
MEMBERS=${MEMBERS:-50000}
STORIES=${STORIES:-1000000}
PGBENCH_ROUNDS=${PGBENCH_ROUNDS:-3}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-20}

main() {
  install_release_extension
  remember_release_library
  fresh_database "$DATABASE"
  assert_release_library
  benchmark_current_cauldron
  benchmark_point_query
  assert_release_library
}

benchmark_current_cauldron() {
  log "A. current_cauldron() against current_setting(), $CALLS calls x $CALL_ROUNDS rounds"
  local output
  output="$(sql -d "$DATABASE" -v calls="$CALLS" -v rounds="$CALL_ROUNDS" \
    -f "$BENCH_SQL/current_cauldron.sql")"
  echo "$output"
  # A call the planner hoisted or folded would run once and look free.
  grep -q 'CASE WHEN (g.g > 0) THEN current_cauldron()' <<<"$output" \
    || fail "current_cauldron() is not evaluated per row"
  grep -q "CASE WHEN (g.g > 0) THEN current_setting('cauldron.id'::text)" <<<"$output" \
    || fail "current_setting() is not evaluated per row"
  if grep -Eq 'InitPlan [0-9]' <<<"$output"; then fail "a call was hoisted into an InitPlan"; fi
  assert_release_library
}

benchmark_point_query() {
  log "B. point query on $STORIES stories: isolation policy against a literal filter"
  sql -d "$DATABASE" -v members="$MEMBERS" -v stories="$STORIES" -v app_role="$APP_ROLE" \
    -f "$BENCH_SQL/stories_schema.sql" >/dev/null
  show_and_check_plans

  local rls=() literal=() paired=()
  for round in $(seq 1 "$PGBENCH_ROUNDS"); do
    # Alternate which variant goes first, so neither always runs on a warmer cache.
    if [ $((round % 2)) -eq 1 ]; then
      run_pgbench stories_rls; rls+=("$TPS")
      run_pgbench stories_literal; literal+=("$TPS")
    else
      run_pgbench stories_literal; literal+=("$TPS")
      run_pgbench stories_rls; rls+=("$TPS")
    fi
    paired+=("$(ratio "${rls[-1]}" "${literal[-1]}")")
    printf 'round %d: rls %s tps, literal %s tps, ratio %s\n' \
      "$round" "${rls[-1]}" "${literal[-1]}" "${paired[-1]}"
    assert_release_library
  done

  local rls_median literal_median
  rls_median="$(printf '%s\n' "${rls[@]}" | median)"
  literal_median="$(printf '%s\n' "${literal[@]}" | median)"
  printf '\nmedian of %d rounds of %ds, -M prepared -c 2 -j 2, as %s:\n' \
    "$PGBENCH_ROUNDS" "$PGBENCH_SECONDS" "$APP_ROLE"
  printf '  rls      %10.1f tps\n  literal  %10.1f tps\n  ratio rls/literal %s\n' \
    "$rls_median" "$literal_median" "$(ratio "$rls_median" "$literal_median")"
  # Rounds of one pair share the machine's load at that moment; their ratio is steadier
  # than the ratio of two medians taken from different moments.
  printf '  median of per-round ratios %s\n' "$(printf '%s\n' "${paired[@]}" | median)"
}

# The benchmark means something only if both queries find their rows through the
# composite index with both keys; a sequential scan on either side would compare plans,
# not the cost of the policy.
show_and_check_plans() {
  local plans
  plans="$(sql_as_app -d "$DATABASE" -f "$BENCH_SQL/stories_explain.sql")"
  echo "$plans"
  local rls_plan literal_plan
  rls_plan="$(sed -n '/^-- stories (/,/^-- stories_plain/p' <<<"$plans")"
  literal_plan="$(sed -n '/^-- stories_plain/,/^-- rows/p' <<<"$plans")"
  grep -q 'Index Scan using stories_cauldron_member on stories' <<<"$rls_plan" \
    || fail "the isolated query does not use the index (cauldron_id, member_id)"
  grep -Eq 'Index Cond: .*cauldron_id.*member_id' <<<"$rls_plan" \
    || fail "the isolated query does not search the index on both columns"
  grep -q 'Index Scan using stories_plain_cauldron_member on stories_plain' <<<"$literal_plan" \
    || fail "the literal query does not use the index (cauldron_id, member_id)"
  grep -Eq 'Index Cond: .*cauldron_id.*member_id' <<<"$literal_plan" \
    || fail "the literal query does not search the index on both columns"
  local counts
  counts="$(sed -n '/^-- rows/,$p' <<<"$plans" | awk -F'|' 'NF == 2 { gsub(/ /, ""); print }' \
    | tail -1)"
  [ "${counts%|*}" = "${counts#*|}" ] && [ "${counts%|*}" -gt 0 ] \
    || fail "the two queries do not see the same rows ($counts)"
}

# Sets TPS rather than printing it: a failure inside $(...) would only end the subshell.
run_pgbench() {
  local script=$1 output
  output="$("$PGBENCH" -h 127.0.0.1 -p 5432 -U "$APP_ROLE" -n -M prepared -c 2 -j 2 \
    -T "$PGBENCH_SECONDS" -D members="$MEMBERS" -f "$BENCH_SQL/$script.pgbench" "$DATABASE" \
    2>&1)" || fail "pgbench $script: $output"
  grep -q 'number of failed transactions: 0 ' <<<"$output" \
    || fail "pgbench reported failures for $script: $output"
  TPS="$(awk '/^tps = / { print $3; exit }' <<<"$output")"
}

main "$@"
