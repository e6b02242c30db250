#!/usr/bin/env bash
# Measures routing through a fleet that is mostly dead: a headless proxy with REPLICAS replicas of
# which 2 answer (`routertop replica`) and the rest are loopback ports where nothing listens
# (connections refused). Once the router knows the dead ones (each first probe refused), REQUESTS
# requests are sent from CLIENTS clients; it reports how many were served, and the latency
# percentiles, next to one probe deadline plus one backoff wait (0.1 s + 0.025 s by default).
#
# Usage: scripts/measure-dead-replicas.sh [replicas] [requests] [clients]   (default 1000 2000 8)
# ROUTERTOP_BIN overrides the binary (default: a release build, made if missing).
set -euo pipefail

count=${1:-1000}
requests=${2:-2000}
clients=${3:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

measure_name=measure-dead-replicas
# shellcheck source=scripts/measure-common.sh
source "$root/scripts/measure-common.sh"
command -v python3 >/dev/null || { echo "$measure_name: needs python3" >&2; exit 1; }

# listening_port FILE: the port in FILE's "listening on HOST:PORT" line, waiting up to 10 s.
listening_port() {
    local port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$1" 2>/dev/null | head -1)
        [[ -n "$port" ]] && break
        sleep 0.1
    done
    [[ -n "$port" ]] || { echo "$measure_name: nothing listens (see $1)" >&2; exit 1; }
    echo "$port"
}

alive=()
for index in 1 2; do
    "$ROUTERTOP_BIN" replica --listen 127.0.0.1:0 --max-ongoing 5 --service-ms 2 2>"$work/replica$index.log" &
    pids+=($!)
    alive+=("$(listening_port "$work/replica$index.log")")
done

# Ports nothing listens on (bound all at once, so they differ, then closed); the live two sit a
# third and two thirds of the way down the file.
file="$work/replicas.toml"
python3 - "$(( count - 2 ))" "${alive[0]}" "${alive[1]}" >"$file" <<'PY'
import socket, sys
dead, alive = int(sys.argv[1]), [int(p) for p in sys.argv[2:]]
held = []
for _ in range(dead):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); held.append(s)
ports = [s.getsockname()[1] for s in held]
for s in held: s.close()
ports.insert(len(ports) // 3, alive[0])
ports.insert(2 * len(ports) // 3, alive[1])
for port in ports: print(f'[[replica]]\nurl = "http://127.0.0.1:{port}"')
PY

"$ROUTERTOP_BIN" --listen 127.0.0.1:0 --headless --replicas "$file" --log-file "$work/router.log" &
pids+=($!)
router_pid=$!
port=$(listening_port "$work/router.log")
start=$(date +%s.%N)
dead=$(( count - 2 ))
for _ in $(seq 600); do
    known=$(grep -c 'probing → unavailable' "$work/router.log" || true)
    (( known >= dead )) && break
    sleep 0.1
done
known_after=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
echo "replicas $count (2 alive), dead ones known: $known of $dead after ${known_after} s"

python3 - "$port" "$requests" "$clients" <<'PY'
import http.client, sys, threading, time
port, total, clients = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
latencies, statuses, lock = [], {}, threading.Lock()
def client(worker):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for index in range(worker, total, clients):
        began = time.monotonic()
        try:
            conn.request("GET", f"/dead/{index}")
            answer = conn.getresponse(); answer.read(); status = answer.status
        except Exception:
            conn.close(); conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60); status = 0
        took = time.monotonic() - began
        with lock:
            latencies.append(took); statuses[status] = statuses.get(status, 0) + 1
threads = [threading.Thread(target=client, args=(w,)) for w in range(clients)]
began = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
wall = time.monotonic() - began
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"requests {total} from {clients} clients in {wall:.2f} s: served {statuses.get(200, 0)}, "
      f"other {dict((k, v) for k, v in statuses.items() if k != 200)}")
print(f"latency ms: p50 {pick(0.5):.1f}  p99 {pick(0.99):.1f}  max {latencies[-1] * 1000:.1f}  "
      f"(one probe deadline + one backoff wait: 125 ms)")
PY
rss=$(awk '/VmRSS/ {print $2}' "/proc/$router_pid/status")
echo "router RSS ${rss} kB"
