#!/usr/bin/env bash
# Parley and Janus AudioBridge side by side (issue "Media performance"): the same load from
# `parley load` against each, one after the other, on this machine, then one table.
#   scripts/bench-vs-janus.sh [LEGS ...]          default: 100 250 500
# Environment: DURATION (20 s measured), MEETING_SIZE (10), TALKERS (3), CODEC (PCMU or PCMA),
# RATE (100 calls/s), SERVERS ("parley janus": which to run). Needs Debian's janus
# (apt-get install janus) and python3 for the table.
# Everything runs on loopback; each server is started here and stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
legs_list=("$@"); [ ${#legs_list[@]} -gt 0 ] || legs_list=(100 250 500)
duration=${DURATION:-20}; size=${MEETING_SIZE:-10}; talkers=${TALKERS:-3}; codec=${CODEC:-PCMU}; rate=${RATE:-100}
servers=${SERVERS:-parley janus}
[[ " $servers " != *" janus "* ]] || command -v janus >/dev/null || { echo "bench-vs-janus: janus is not installed: apt-get install -y janus" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-vs-janus: needs python3 for the table: apt-get install -y python3" >&2; exit 1; }
swift build -c release --product parley --scratch-path .build-release >&2
parley=$root/.build-release/release/parley
work=$(mktemp -d /tmp/parley-vs-janus.XXXXXX)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 20000 || true   # Janus uses 3 descriptors per plain-RTP participant

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_parley() { # legs
    local data=$work/parley-$1 http sip media
    http=$(free_port); sip=$(free_port); media=$(free_port)
    "$parley" serve --data-dir "$data" --http-port "$http" --set http.address=127.0.0.1 --set sip.address=127.0.0.1 \
        --set sip.udp_port="$sip" --set sip.tcp_port="$sip" --set media.address=127.0.0.1 --set media.port="$media" \
        --set log.level=warning > "$work/parley-$1.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$http/healthz" >/dev/null && break; sleep 0.2; done
    local token; token=$("$parley" admin token create --data-dir "$data" 2>/dev/null)
    "$parley" load --server "http://127.0.0.1:$http" --token "$token" --sip "127.0.0.1:$sip" --server-pid "$server_pid" \
        --legs "$1" --meeting-size "$size" --talkers "$talkers" --codec "$codec" --rate "$rate" --duration "$duration" --json \
        > "$work/parley-$1.json" || true
    kill -INT "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
}

run_janus() { # legs
    janus -F "$root/scripts/janus" -C "$root/scripts/janus/janus.jcfg" -o -N -L "$work/janus-$1.log" > /dev/null 2>&1 &
    server_pid=$!
    for _ in $(seq 50); do curl -sf http://127.0.0.1:8088/janus/info >/dev/null && break; sleep 0.2; done
    "$parley" load --janus http://127.0.0.1:8088/janus --server-pid "$server_pid" \
        --legs "$1" --meeting-size "$size" --talkers "$talkers" --codec "$codec" --duration "$duration" --json \
        > "$work/janus-$1.json" || true
    kill -INT "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
}

for legs in "${legs_list[@]}"; do
    if [[ " $servers " == *" parley "* ]]; then echo "bench-vs-janus: $legs legs on Parley" >&2; run_parley "$legs"; fi
    if [[ " $servers " == *" janus "* ]]; then echo "bench-vs-janus: $legs legs on Janus" >&2; run_janus "$legs"; fi
done

python3 - "$work" "${legs_list[@]}" <<'PY'
import json, sys, os
work, legs = sys.argv[1], sys.argv[2:]
print("| server | legs | up | loss+late % | p5 pkt/s | p95 jitter ms | p95 gap ms | mouth-to-ear ms | CPU cores | µs CPU per leg-s | RSS MB | tool CPU | verdict |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for n in legs:
    for name in ("parley", "janus"):
        path = os.path.join(work, f"{name}-{n}.json")
        if not os.path.exists(path):
            continue  # not run (SERVERS)
        try:
            r = json.load(open(path))
        except Exception:
            print(f"| {name} | {n} | run failed | | | | | | | | | | |"); continue
        ok = r["legsUp"] == r["legsPlanned"] and r["meanLossAndLatePercent"] <= 0.5 and r["p5PacketsPerSecond"] >= 47.5 \
            and r["p95JitterMilliseconds"] <= 20 and r["p95LargestGapMilliseconds"] <= 100
        valid = r["toolSkippedTicks"] == 0 and r["toolLateTicks"] <= 0.01 * max(r["ticks"], 1)
        f = lambda v, d=1: "" if v is None else f"{v:.{d}f}"
        print(f"| {name} | {n} | {r['legsUp']} | {f(r['meanLossAndLatePercent'],3)} | {f(r['p5PacketsPerSecond'])} | "
              f"{f(r['p95JitterMilliseconds'],2)} | {f(r['p95LargestGapMilliseconds'])} | {f(r.get('mouthToEarMedianMilliseconds'))} | "
              f"{f(r.get('serverCPUCores'),2)} | {f(r.get('serverCPUMicrosecondsPerLegSecond'),0)} | {f(r.get('serverRSSMegabytes'),0)} | "
              f"{f(r['toolCPUCores'],2)} | {'invalid' if not valid else ('sustained' if ok else 'NOT sustained')} |")
PY
