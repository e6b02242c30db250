#!/usr/bin/env bash
# Routing quality of routertop's proxy over several event loops: is any replica ever sent more than
# its cap, and how evenly is the load spread?
#
# Four `routertop replica` backends, each taking at most CAP requests at once (more are refused
# with 503 and x-replica-rejected, which the router counts per replica as `rejected`). A headless
# routertop (release build) with max_ongoing_requests = CAP for each replica runs with
# --event-loops N, for each N given, under `wrk -t1 -cCONNECTIONS`. While wrk runs, the control
# API's snapshot is read every 100 ms: per replica, the router's own in-flight count. Printed per N:
# req/s, samples, samples with any replica over its cap, the highest in-flight seen per replica,
# the mean spread (highest minus lowest in-flight across replicas, per sample), the router's share
# of requests per replica, and refusals by the replicas (the backend's own count of being sent
# more than its cap).
#
# Usage: scripts/bench-routing-quality.sh [--loops 1,2,4] [--duration 10s] [--connections 64]
#                                         [--cap 4] [--service-ms 2] [--local-count]
# --local-count: the replicas have no queue-length endpoint (404), so the router counts their
# requests itself, as for the nginx backends of bench-proxy.sh; otherwise it trusts their probes.
# Needs: wrk, curl, jq, a Swift toolchain.
set -euo pipefail

LOOPS=1,2,4
DURATION=10s
CONNECTIONS=64
CAP=4
SERVICE_MS=2
REPLICA_FLAGS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --loops) LOOPS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --cap) CAP=$2; shift 2 ;;
        --service-ms) SERVICE_MS=$2; shift 2 ;;
        --local-count) REPLICA_FLAGS=(--no-queue-length-endpoint); shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "bench-routing-quality: unknown argument $1" >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-quality.XXXXXX")
# shellcheck source=bench-processes.sh
source "$ROOT/scripts/bench-processes.sh"

echo "building routertop (release)"
release_build "$WORK/build.log" --product routertop
ROUTERTOP="$ROOT/.build/release/routertop"

listening_port() {
    local log=$1 tries=0 port=""
    while [[ -z $port ]]; do
        port=$(grep -o 'listening on [^ ]*:[0-9]*' "$log" 2>/dev/null | head -1 | sed 's/.*://' || true)
        tries=$((tries + 1))
        if [[ $tries -gt 200 ]]; then echo "bench-routing-quality: no port in $log" >&2; exit 1; fi
        [[ -z $port ]] && sleep 0.05
    done
    echo "$port"
}

PORTS=()
for i in 1 2 3 4; do
    "$ROUTERTOP" replica --listen 127.0.0.1:0 --max-ongoing "$CAP" --service-ms "$SERVICE_MS" "${REPLICA_FLAGS[@]}" \
        2>"$WORK/replica$i.log" &
    PIDS+=($!)
    PORTS+=("$(listening_port "$WORK/replica$i.log")")
done
for port in "${PORTS[@]}"; do
    printf '[[replica]]\nurl = "http://127.0.0.1:%s"\nmax_ongoing_requests = %s\n\n' "$port" "$CAP"
done > "$WORK/replicas.toml"

echo "load: wrk -t1 -c$CONNECTIONS -d$DURATION; 4 replicas, cap $CAP each, service ${SERVICE_MS} ms${REPLICA_FLAGS[*]:+, counted locally}; $(nproc) CPUs"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
IFS=, read -r -a LOOP_COUNTS <<<"$LOOPS"
for loops in "${LOOP_COUNTS[@]}"; do
    socket="$WORK/router-$loops.sock"
    "$ROUTERTOP" --listen 127.0.0.1:0 --replicas "$WORK/replicas.toml" --headless --event-loops "$loops" \
        --control "$socket" --log-file "$WORK/router-$loops.log" &
    pid=$!
    PIDS+=("$pid")
    port=$(listening_port "$WORK/router-$loops.log")
    wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$port/" >/dev/null 2>&1 || true   # warm-up
    samples="$WORK/samples-$loops.txt"
    : > "$samples"
    wrk -t1 -c"$CONNECTIONS" -d"$DURATION" "http://127.0.0.1:$port/" > "$WORK/wrk-$loops.txt" &
    wrk_pid=$!
    sleep 0.5
    while kill -0 "$wrk_pid" 2>/dev/null; do
        curl -s --unix-socket "$socket" http://router/v1/snapshot \
            | jq -r '[.replicas[].in_flight] | map(tostring) | join(" ")' >> "$samples" || true
        sleep 0.1
    done
    wait "$wrk_pid"
    final=$(curl -s --unix-socket "$socket" http://router/v1/snapshot)
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk-$loops.txt")
    errors=$(awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }' "$WORK/wrk-$loops.txt")
    awk -v cap="$CAP" -v loops="$loops" -v rps="$rps" -v errors="$errors" '
        NF > 0 {
            n++; low = $1; high = $1; over_here = 0
            for (i = 1; i <= NF; i++) {
                if ($i > peak[i]) peak[i] = $i
                if ($i > cap) over_here = 1
                if ($i < low) low = $i
                if ($i > high) high = $i
                sum[i] += $i
            }
            over += over_here; spread += high - low; width = NF
        }
        END {
            peaks = ""; means = ""
            for (i = 1; i <= width; i++) { peaks = peaks peak[i] " "; means = means sprintf("%.2f ", sum[i] / n) }
            printf "event-loops %-2s %8.0f req/s  errors %s  samples %d  over cap %d  peak in flight [%s]  mean in flight [%s]  mean spread %.2f\n",
                loops, rps, errors, n, over, peaks, means, n ? spread / n : 0
        }' "$samples"
    jq -r --arg loops "$loops" '"event-loops \($loops) routed per replica [\([.replicas[].routed] | map(tostring) | join(" "))]  refused by replicas [\([.replicas[].rejected] | map(tostring) | join(" "))]  in flight after [\([.replicas[].in_flight] | map(tostring) | join(" "))]"' <<<"$final"
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    tail -1 "$WORK/router-$loops.log"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
