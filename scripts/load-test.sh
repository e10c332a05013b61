#!/usr/bin/env bash
# Load test on loopback: a release daemon on a fresh database with the
# lfw10 identities enrolled, then wrk posting real face photos to
# /v1/screenings with a post token, at 1, 2, 4 and 8 connections for
# LOAD_SECONDS (default 30) each. Prints requests/s, p50/p99 latency and
# non-2xx responses per level.   Usage: scripts/load-test.sh  (or make load)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${LOAD_SECONDS:-30}"
data="${VIGIL_TESTDATA:-../shared/data}"
command -v wrk > /dev/null || { echo "installing wrk"; ${SUDO:-$( [ "$(id -u)" = 0 ] || echo sudo )} apt-get install -y -q wrk > /dev/null; }
flags=(-Xswiftc -target-cpu -Xswiftc native -Xcc -march=native)
swift build -c release "${flags[@]}" > /dev/null
vigil="$(swift build -c release "${flags[@]}" --show-bin-path)/vigil"
work=$(mktemp -d)
db="$work/vigil.sqlite"
port=$((20000 + RANDOM % 20000))
for person in "$data"/faces/lfw10/*/; do
    "$vigil" enroll --db "$db" --name "$(basename "$person")" --category wanted_other --face "$(ls "$person"*.jpg | head -1)" > /dev/null
done
post=$("$vigil" token create --db "$db" --role post --name LOAD-1 | tail -1)
"$vigil" serve --db "$db" --port "$port" --screening-retention-days 0 > "$work/daemon.log" 2>&1 &
daemon=$!
trap 'kill $daemon 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/v1/health" > /dev/null; do sleep 0.2; done
probe=$(ls "$data"/faces/lfw10/Tony_Blair/*.jpg | sed -n 2p)
cat > "$work/screen.lua" <<LUA
local f = assert(io.open("$probe", "rb")); local photo = f:read("*a"); f:close()
local boundary = "vigil-load-boundary"
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $post"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"face\"; filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
  .. photo .. "\r\n--" .. boundary .. "--\r\n"
local errors = 0
response = function(status, headers, body) if status ~= 200 then errors = errors + 1 end end
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.1f p99_ms=%.1f non2xx=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); watchlist: 10 entries; probe $(basename "$probe")"
for connections in 1 2 4 8; do
    line=$(wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s -s "$work/screen.lua" "http://127.0.0.1:$port/v1/screenings" | grep RESULT)
    echo "connections=$connections ${line#RESULT }"
done
