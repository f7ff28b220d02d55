#!/usr/bin/env bash
# Runs every test of the workspace against the local PostgreSQL, after installing whatever is
# missing. Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cauldron_setup

log "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

log "installing the extension into the local PostgreSQL"
(cd pg_extension && cargo pgrx install --pg-config "$CAULDRON_PG_CONFIG")

log "in-server tests of the extension (cargo pgrx test)"
# PostgreSQL refuses to run as root; pgrx's test cluster runs as postgres in a directory
# postgres owns.
pgdata_root=/var/tmp/cauldron-pgrx-test
as_root mkdir -p "$pgdata_root"
as_root chown postgres "$pgdata_root"
runas=()
[ "$(id -u)" -eq 0 ] && runas=(--runas postgres --pgdata "$pgdata_root/data")
(cd pg_extension && cargo pgrx test pg15 "${runas[@]}")

log "SQL-level suites, the auditor and the leak suite against the local server"
CAULDRON_REQUIRE_EXTENSION=1 CAULDRON_REQUIRE_TLS=1 cargo test --workspace --exclude cauldron
log "all tests passed"
