#!/usr/bin/env bash
# Helpers shared by the benchmark scripts. Sourced, never run.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$BENCH_DIR")"
BENCH_SQL="$BENCH_DIR/sql"
PGBENCH=/usr/lib/postgresql/15/bin/pgbench
# The ordinary role the throughput benchmark runs as: superusers and owners would bypass
# row-level security and measure nothing.
APP_ROLE=cauldron_bench_app

# shellcheck source=../scripts/setup.sh
source "$REPO_DIR/scripts/setup.sh"

# psql as the superuser, stopping at the first error so a broken step cannot pass as a
# fast one.
sql() {
  psql -h 127.0.0.1 -p 5432 -U postgres -X -q -v ON_ERROR_STOP=1 "$@"
}

# Same, as the ordinary role.
sql_as_app() {
  psql -h 127.0.0.1 -p 5432 -U "$APP_ROLE" -X -q -v ON_ERROR_STOP=1 "$@"
}

# A benchmark of this build, not of whatever was installed last: release mode, because a
# debug build of the extension is several times slower and would measure pgrx's debug
# assertions.
install_release_extension() {
  cauldron_setup
  log "building and installing the extension (release)"
  (cd "$REPO_DIR/pg_extension" && cargo pgrx install --release --pg-config "$CAULDRON_PG_CONFIG")
}

# Drops and recreates a database with the extension, so every run starts from the same state.
fresh_database() {
  local database=$1
  log "creating database $database"
  sql -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" \
    -c "CREATE DATABASE $database"
  sql -d "$database" -f "$BENCH_SQL/common.sql"
}

# Median of the numbers on stdin, one per line.
median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# a / b with three decimals.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a / b }'
}

fail() {
  printf '\033[1;31mFAILED: %s\033[0m\n' "$*" >&2
  exit 1
}

# The installed library, as the server will load it.
installed_library() {
  echo "$(pg_config --pkglibdir)/cauldron.so"
}

# Other work on this machine may reinstall the extension while a benchmark runs (a test run
# installs a debug build, a mutation run a deliberately broken script), and a backend loads
# whatever is there when it starts. An install gives the library a new inode, so the same
# inode and the same script before and after a phase prove every backend of the phase ran
# the release build installed here.
remember_release_library() {
  local built="$REPO_DIR/target/release/libcauldron.so"
  cmp -s "$built" "$(installed_library)" || fail "the installed library is not the release build"
  RELEASE_LIBRARY_ID="$(library_fingerprint)"
}

library_fingerprint() {
  stat -c '%i %s' "$(installed_library)"
  sha256sum "$(pg_config --sharedir)/extension/cauldron--"*.sql
}

assert_release_library() {
  [ "$(library_fingerprint)" = "$RELEASE_LIBRARY_ID" ] \
    || fail "the extension was reinstalled during the run (by other work on this machine?);" \
      "figures measured meanwhile may come from another build: rerun when nothing else installs"
}
