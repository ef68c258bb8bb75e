#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the storage tests and print, on stdout only,
#   export MARSAD_TEST_PG=postgresql+psycopg://postgres@127.0.0.1:PORT/marsad_test
# Usage (CI, as root):  eval "$(bash scripts/ci_postgres.sh)"   or   source scripts/ci_postgres.sh
#                       stop: bash scripts/ci_postgres.sh --stop
#
# Installs Debian's `postgresql` package when no server binaries are found (needs root and
# apt). The cluster lives in $MARSAD_PG_DIR (default /tmp/marsad-pg), runs as the `postgres`
# user when started by root, listens on 127.0.0.1 only, on a free port, with trust auth
# (it is throwaway: never point this at real data). Idempotent: when the cluster is already
# running, it only prints the export line again.
_marsad_ci_postgres() (
  set -euo pipefail

  DIR="${MARSAD_PG_DIR:-/tmp/marsad-pg}"
  DB="${MARSAD_PG_DB:-marsad_test}"
  log() { echo "ci_postgres: $*" >&2; }

  find_bindir() {
    local d
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
      dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0
    fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
      [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
    done
    return 1
  }

  BIN="$(find_bindir || true)"
  if [ -z "$BIN" ]; then
    if [ "$(id -u)" != 0 ]; then log "no PostgreSQL server binaries and not root: cannot install"; exit 1; fi
    log "installing postgresql (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
    BIN="$(find_bindir)" || { log "postgresql installed but initdb/pg_ctl not found"; exit 1; }
  fi

  # run a command as the cluster owner: `postgres` when we are root (initdb refuses root)
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DIR" --shell /bin/sh postgres
    OWNER=postgres
    as_owner() { runuser -u postgres -- "$@"; }
  else
    OWNER="$(id -un)"
    as_owner() { "$@"; }
  fi

  DATA="$DIR/data"

  if [ "${1:-}" = "--stop" ]; then
    if [ -f "$DATA/PG_VERSION" ]; then as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >&2 || true; fi
    exit 0
  fi

  mkdir -p "$DIR"
  [ "$OWNER" = postgres ] && chown postgres "$DIR"

  if [ -f "$DIR/port" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    PORT="$(cat "$DIR/port")"
    log "already running on 127.0.0.1:$PORT"
  else
    if [ ! -f "$DATA/PG_VERSION" ]; then
      log "initdb $DATA"
      as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >&2 \
        || as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C >&2
    fi
    PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    echo "$PORT" > "$DIR/port"
    log "starting on 127.0.0.1:$PORT"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >&2 || { log "start failed; log:"; tail -20 "$DIR/server.log" >&2; exit 1; }
  fi

  if ! psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" \
       | grep -q 1; then
    psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "CREATE DATABASE $DB ENCODING 'UTF8' TEMPLATE template0" >&2
  fi

  echo "export MARSAD_TEST_PG=postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
)

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # sourced: set the variable in the caller's shell as well as printing it
  if _marsad_pg_line="$(_marsad_ci_postgres "$@")"; then
    eval "$_marsad_pg_line"
    echo "$_marsad_pg_line"
  fi
  unset -f _marsad_ci_postgres
  unset _marsad_pg_line
else
  _marsad_ci_postgres "$@"
fi
