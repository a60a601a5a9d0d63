#!/usr/bin/env bash
# Measures the spine's HTTP API on loopback with wrk (Debian package `wrk`): health checks,
# authenticated meeting lists, and meeting creation (one transaction each, SQLite WAL).
# Bounded: each phase runs DURATION seconds (default 10); the server is stopped at the end.
#   scripts/bench-api.sh [path/to/parley]     (default: .build/release/parley)
set -euo pipefail
cd "$(dirname "$0")/.."
PARLEY=${1:-.build/release/parley}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "bench-api: install wrk (apt-get install wrk)" >&2; exit 1; }
[ -x "$PARLEY" ] || { echo "bench-api: $PARLEY not found; run: swift build -c release --product parley" >&2; exit 1; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export PARLEY_TOKEN=$("$PARLEY" admin token create --data-dir "$work/data")
"$PARLEY" serve --data-dir "$work/data" --set http.address=127.0.0.1 --set http.port="$port" --set log.level=warning \
    >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

rss() { awk '/VmRSS/ {print $2 " kB"}' /proc/$pid/status; }
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); date: $(date -u +%F)"
echo "server RSS at start: $(rss)"

phase() {
    local name=$1; shift
    local before=$(cpu)
    echo "== $name ($DURATION s, $CONNECTIONS connections, 2 threads)"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|Socket errors"
    local after=$(cpu)
    echo "   server CPU: $(( (after - before) )) ticks ($(getconf CLK_TCK)/s) over ${DURATION}s"
}
phase "GET /healthz" "http://127.0.0.1:$port/healthz"
phase "POST /api/v1/meetings (create)" -s scripts/bench/create-meetings.lua "http://127.0.0.1:$port"
phase "GET /api/v1/meetings?limit=50" -H "Authorization: Bearer $PARLEY_TOKEN" "http://127.0.0.1:$port/api/v1/meetings?limit=50"
echo "meetings stored: $(curl -s -H "Authorization: Bearer $PARLEY_TOKEN" "http://127.0.0.1:$port/api/v1/meetings?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
echo "server RSS at end: $(rss)"
