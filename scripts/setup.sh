#!/usr/bin/env bash
# Brings a Debian 12 machine to the state the demo and the tests need, installing only what
# is missing, so running it twice is harmless. Sourced by demo.sh, test.sh and the benchmarks.
set -euo pipefail

PG_MAJOR=15
PGRX_VERSION=0.18.0

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the given Debian packages that are missing; a rerun does not touch apt at all.
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  fi
}

install_debian_packages() {
  ensure_packages "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" postgresql-contrib \
    libclang-dev clang pkg-config libssl-dev sudo curl ca-certificates build-essential
}

install_rust() {
  if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    log "installing the Rust toolchain with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal \
      --component rustfmt,clippy
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
}

install_cargo_pgrx() {
  if ! cargo pgrx --version 2>/dev/null | grep -q "$PGRX_VERSION"; then
    log "installing cargo-pgrx $PGRX_VERSION"
    cargo install cargo-pgrx --version "$PGRX_VERSION" --locked
  fi
  local pg_config
  pg_config="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
  [ -x "$pg_config" ] || pg_config="$(command -v pg_config)"
  if ! grep -qs "^pg$PG_MAJOR" "$HOME/.pgrx/config.toml"; then
    log "registering the system PostgreSQL $PG_MAJOR with cargo-pgrx"
    cargo pgrx init --pg$PG_MAJOR "$pg_config"
  fi
  export CAULDRON_PG_CONFIG="$pg_config"
}

start_postgres() {
  if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_MAJOR" '$1 == v && $2 == "main"' | grep -q .; then
    log "creating the PostgreSQL $PG_MAJOR cluster"
    as_root pg_createcluster "$PG_MAJOR" main
  fi
  if ! pg_lsclusters -h | awk -v v="$PG_MAJOR" '$1 == v && $2 == "main" { print $4 }' \
      | grep -q online; then
    log "starting PostgreSQL $PG_MAJOR"
    as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start
  fi
  local hba="/etc/postgresql/$PG_MAJOR/main/pg_hba.conf"
  # The tests connect over TCP as several roles without passwords, as on this project's CI
  # machines; a stock Debian cluster asks for a password, so trust local TCP instead.
  if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    log "allowing trusted TCP connections from 127.0.0.1 (test machine only)"
    as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main reload
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return 0
    sleep 1
  done
  echo "PostgreSQL did not accept connections on 127.0.0.1:5432" >&2
  return 1
}

cauldron_setup() {
  install_debian_packages
  install_rust
  install_cargo_pgrx
  start_postgres
}
