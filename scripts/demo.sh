#!/usr/bin/env bash
# The main job: install what is missing, build and install the extension into the local
# PostgreSQL, create the demo database from sql/ and show two cauldrons isolated from each
# other. Usage: bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cauldron_setup

log "building and installing the cauldron extension (release)"
(cd pg_extension && cargo pgrx install --release --pg-config "$CAULDRON_PG_CONFIG")

database=cauldron_demo
psql_as() {
  local role=$1
  shift
  psql -X -q -h 127.0.0.1 -U "$role" -v ON_ERROR_STOP=1 "$@"
}

log "creating the demo database $database from sql/"
psql_as postgres -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"
psql_as postgres -d postgres -c "CREATE DATABASE $database"
# The pilot schema predates the guard, so it is created before the extension arrives.
psql_as postgres -d "$database" -f sql/example/adr_schema.sql
psql_as postgres -d "$database" -c "CREATE EXTENSION cauldron"
psql_as postgres -d "$database" -f sql/demo/isolate.sql

log "two cauldrons, one database, as the application role"
psql_as cauldron_demo_app -d "$database" -f sql/demo/two_cauldrons.sql
log "building cauldron-audit (release)"
cargo build --release --quiet -p cauldron-audit
audit=target/release/cauldron-audit

log "auditing the pilot schema as it was before the extension (findings expected)"
pilot=cauldron_demo_pilot
psql_as postgres -d postgres -c "DROP DATABASE IF EXISTS $pilot WITH (FORCE)"
psql_as postgres -d postgres -c "CREATE DATABASE $pilot"
psql_as postgres -d "$pilot" -f sql/example/adr_schema.sql
psql_as postgres -d "$pilot" -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO cauldron_demo_app"
status=0
"$audit" --database-url "postgresql://cauldron_demo_app@127.0.0.1/$pilot" || status=$?
[ "$status" -eq 1 ] || { echo "expected findings (exit 1), got exit $status" >&2; exit 1; }

log "auditing the isolated demo database (clean expected)"
"$audit" --database-url "postgresql://cauldron_demo_app@127.0.0.1/$database"
log "done: psql -h 127.0.0.1 -U cauldron_demo_app $database to look around"
