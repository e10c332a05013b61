#!/usr/bin/env bash
# The API contract, tested against a live daemon: docs/openapi.json must be a
# valid OpenAPI 3.1 document, and schemathesis sends property-based requests to
# every operation with the token of its role: no answer may be a 5xx, and every
# answer must match its documented status, content type and schema. Bounded by
# examples per operation and time per role (docs/api.md).
set -euo pipefail
cd "$(dirname "$0")/.."
VIGIL=${VIGIL:-$(swift build --show-bin-path)/vigil}
TOOLS=${TOOLS:-.venv-tools}
EXAMPLES=${EXAMPLES:-30}
MAX_TIME=${MAX_TIME:-90}   # seconds per role
TOOLS="$TOOLS" scripts/python-tools.sh >/dev/null
"$TOOLS/bin/python" -c 'import json, sys; from openapi_spec_validator import validate; validate(json.load(open("docs/openapi.json"))); print("docs/openapi.json: valid OpenAPI 3.1")'

work=$(mktemp -d)
db="$work/vigil.sqlite"
token() { "$VIGIL" token create --db "$db" --role "$1" --name "contract-$1" --models-dir Models | tail -1; }
admin=$(token admin); post=$(token post); auditor=$(token auditor); node=$(token node)
port=$("$TOOLS/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$VIGIL" serve --db "$db" --port "$port" --models-dir Models --import-root "$work" > "$work/daemon.log" 2>&1 &
daemon=$!
trap 'kill $daemon 2>/dev/null || true; wait $daemon 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/v1/health/ready" >/dev/null && break
    kill -0 $daemon 2>/dev/null || { cat "$work/daemon.log"; exit 1; }
    sleep 0.5
done

run() {  # run ROLE-TOKEN PATH-REGEX
    local auth=()
    [ -n "$1" ] && auth=(-H "Authorization: Bearer $1")
    "$TOOLS/bin/schemathesis" run docs/openapi.json --url "http://127.0.0.1:$port" "${auth[@]}" \
        --include-path-regex "$2" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --phases examples,coverage,fuzzing,stateful \
        --max-examples "$EXAMPLES" --max-time "$MAX_TIME" --seed 1 --workers 1 --request-timeout 120 \
        --no-color --output-truncate true || { cp "$work/daemon.log" /tmp/vigil-contract-daemon.log; echo "daemon log (kept in /tmp/vigil-contract-daemon.log):"; grep -v "^ *$" "$work/daemon.log" | grep -A30 -m1 "Fatal error\|crashed\|Program crashed" | head -60; exit 1; }
}
[ -z "${ONLY:-}" ] || [ "$ONLY" = open ] && run "" '^/(v1/health|v1/health/ready|v1/openapi\.json|metrics)$'
[ -z "${ONLY:-}" ] || [ "$ONLY" = post ] && run "$post" '^/v1/screenings'
[ -z "${ONLY:-}" ] || [ "$ONLY" = admin ] && run "$admin" '^/v1/watchlist/'
[ -z "${ONLY:-}" ] || [ "$ONLY" = auditor ] && run "$auditor" '^/v1/audit/'
[ -z "${ONLY:-}" ] || [ "$ONLY" = node ] && run "$node" '^/v1/sync/'
if grep -q '"level":"error"' "$work/daemon.log"; then
    echo "the daemon logged errors:"; grep '"level":"error"' "$work/daemon.log"; exit 1
fi
echo "API contract: every operation answered as documented, no 5xx"
