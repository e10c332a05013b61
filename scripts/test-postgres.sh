#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the tests: its own data directory under
# .build/, a Unix socket there and a loopback port, owned by an unprivileged
# user (the server refuses to run as root). `start` prints the URL the tests
# read (VIGIL_TEST_POSTGRES); `stop` stops it and removes the data.
#   scripts/test-postgres.sh start|stop|pause|resume|url
# VIGIL_TEST_POSTGRES_ROOT and VIGIL_TEST_POSTGRES_PORT place a second cluster (a test that restarts its server).
set -euo pipefail
cd "$(dirname "$0")/.."

root="${VIGIL_TEST_POSTGRES_ROOT:-.build/pgtest}"
# The port: as asked, else the one this cluster was started on, else a free one
# (another cluster, a developer's own, may hold any fixed port).
port="${VIGIL_TEST_POSTGRES_PORT:-}"
if [ -z "$port" ] && [ -f "$root/port" ]; then port="$(cat "$root/port")"; fi
if [ -z "$port" ]; then
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
bin=""
for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
  if [ -x "$candidate/pg_ctl" ]; then bin="$candidate"; break; fi
done
if [ -z "$bin" ] && command -v pg_ctl >/dev/null; then bin="$(dirname "$(command -v pg_ctl)")"; fi

# The server outlives this script: it must not inherit a descriptor of whoever started it
# (a caller that waits for its child's pipe or exit would wait for the server too).
for fd in /proc/$$/fd/*; do
  n="${fd##*/}"
  if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null || true; fi
done

# Root runs the server as `postgres` (the Debian package's user); anyone else as themselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() { echo "postgres://vigil@127.0.0.1:${port}/postgres"; }

case "${1:-}" in
  start)
    [ -n "$bin" ] || { echo "test-postgres: PostgreSQL is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
    "$0" stop >/dev/null 2>&1 || true
    mkdir -p "$root"
    root_abs="$(cd "$root" && pwd)"
    [ "$(id -u)" -eq 0 ] && chown postgres "$root_abs"
    as_owner "$bin/initdb" -D "$root_abs/data" -A trust -U vigil --no-sync -E UTF8 >"$root_abs/initdb.log" 2>&1 \
      || { cat "$root_abs/initdb.log" >&2; exit 1; }
    # fsync off: a test cluster is thrown away; the crash tests kill Vigil, not the server.
    as_owner "$bin/pg_ctl" -D "$root_abs/data" -l "$root_abs/server.log" -w -t 30 \
      -o "-p $port -k $root_abs -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null \
      || { cat "$root_abs/server.log" >&2; exit 1; }
    echo "$bin" > "$root_abs/bin"
    echo "$port" > "$root_abs/port"
    url
    ;;
  stop)
    if [ -d "$root/data" ]; then
      root_abs="$(cd "$root" && pwd)"
      as_owner "$bin/pg_ctl" -D "$root_abs/data" -m fast -w stop >/dev/null 2>&1 || true
      rm -rf "$root_abs/data" "$root_abs/port"
    fi
    ;;
  pause)
    # Stops the server and keeps its data (a test of a node riding out a database restart).
    root_abs="$(cd "$root" && pwd)"
    as_owner "$bin/pg_ctl" -D "$root_abs/data" -m fast -w stop >/dev/null
    ;;
  resume)
    root_abs="$(cd "$root" && pwd)"
    as_owner "$bin/pg_ctl" -D "$root_abs/data" -l "$root_abs/server.log" -w -t 30 \
      -o "-p $port -k $root_abs -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
    ;;
  url) url ;;
  *) echo "usage: $0 start|stop|pause|resume|url" >&2; exit 2 ;;
esac
