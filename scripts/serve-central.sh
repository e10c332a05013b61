#!/usr/bin/env bash
# make serve-central: headquarters on one machine, for a demo. A local PostgreSQL
# cluster (var/central-pg, loopback only, kept between runs) and two Vigil nodes on it,
# on ports 8080 and 8081, sharing the keys in var/central.*. Ctrl-C stops the nodes
# and the server; the data stays for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${VIGIL:?set VIGIL to the vigil binary (the Makefile does)}"
HOST="${HOST:-127.0.0.1}"
export VIGIL_TEST_POSTGRES_ROOT=var/central-pg
export VIGIL_TEST_POSTGRES_PORT="${CENTRAL_PG_PORT:-55433}"
mkdir -p var

if [ -d var/central-pg/data ]; then
  scripts/test-postgres.sh resume 2>/dev/null || true   # already running is fine
  url="$(scripts/test-postgres.sh url)"
else
  url="$(scripts/test-postgres.sh start)"
fi
store=(--database "$url" --keys var/central)

if [ ! -f var/central.token ]; then
  "$VIGIL" token create "${store[@]}" --role admin --name hq-admin | tail -1 > var/central.token
  chmod 600 var/central.token
fi

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/test-postgres.sh pause 2>/dev/null || true
}
trap stop EXIT INT TERM

for port in 8080 8081; do
  "$VIGIL" serve "${store[@]}" --host "$HOST" --port "$port" >"var/central-node-$port.log" 2>&1 &
  pids+=("$!")
done
for port in 8080 8081; do
  for _ in $(seq 1 600); do
    grep -q "listening on" "var/central-node-$port.log" 2>/dev/null && break
    sleep 0.2
  done
done
cat <<TEXT
Headquarters: PostgreSQL at $url, two nodes:
  node A  http://$HOST:8080/console/   (log var/central-node-8080.log)
  node B  http://$HOST:8081/console/   (log var/central-node-8081.log)
Admin token (both nodes): $(cat var/central.token)
Enrol through one node and screen on the other: docs/headquarters.md walks through it. Stop with Ctrl-C.
TEXT
wait
