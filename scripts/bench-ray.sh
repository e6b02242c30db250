#!/usr/bin/env bash
# Ray Serve's proxy throughput for a trivial deployment with Ray's own router and with the bridge, in
# the same Ray run: wrk on 127.0.0.1 alternates between the two apps (ROUNDS rounds, ABBA, of
# SECONDS_PER_ROUND each) and the script prints each figure and the bridge's cost, in throughput and in
# the proxy process's CPU time per request. Ray is stopped whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-6}
seconds=${SECONDS_PER_ROUND:-8}
command -v wrk >/dev/null 2>&1 || { echo "bench-ray needs wrk (apt-get install wrk)" >&2; exit 1; }
scripts/install-ray-venv.sh
bin=$PWD/.venv-ray/bin
work=$(mktemp -d)
export XDG_RUNTIME_DIR=$work/run XDG_STATE_HOME=$work/state PYTHONPATH=$PWD/integrations/ray/e2e RAY_USAGE_STATS_ENABLED=0
# Ray's multi-node switch, off: every Ray process takes the loopback address as its own (nothing leaves 127.0.0.1).
# A single-node Ray would then want a token in the home directory; on loopback it needs none.
export RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 RAY_AUTH_MODE=disabled
mkdir -m 700 "$XDG_RUNTIME_DIR"
cleanup() { "$bin/ray" stop --force >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { "$bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
gcs=$(free_port)
port=$(free_port)
"$bin/ray" start --head --node-ip-address=127.0.0.1 --num-cpus=2 --port="$gcs" --include-dashboard=false \
    --temp-dir="$work/ray" >/dev/null
"$bin/python" - <<PY
import ray
from ray import serve
import trivial_app
ray.init(address="127.0.0.1:$gcs", logging_level="ERROR")
serve.start(http_options={"host": "127.0.0.1", "port": $port})
serve.run(trivial_app.plain, name="plain", route_prefix="/plain")
serve.run(trivial_app.bridged, name="bridged", route_prefix="/bridged")
PY

proxy=$(ls "$XDG_RUNTIME_DIR/routertop" | sed -n 's/^ray-bridged-Bridged-\([0-9]*\)\.sock$/\1/p')
[ -n "$proxy" ] || { echo "the bridged router's socket is missing" >&2; exit 1; }
cpu() { awk '{print $14 + $15}' "/proc/$proxy/stat"; }
# One round: requests per second from wrk, and the proxy process's CPU time per request (ms), which
# other load on the machine disturbs far less than throughput.
round() {
    local before after out
    before=$(cpu)
    out=$(wrk -t2 -c32 -d"${seconds}s" "http://127.0.0.1:$port/$1")
    after=$(cpu)
    awk -v ticks="$(getconf CLK_TCK)" -v cpu=$((after - before)) '
        /requests in/ {requests = $1} /^Requests\/sec/ {rate = $2}
        END {printf "%s %.4f\n", rate, 1000 * cpu / ticks / requests}' <<<"$out"
}
round plain >/dev/null; round bridged >/dev/null   # warm both paths up
results=()
for index in $(seq "$rounds"); do
    # ABBA order, so drift in the machine's load falls on both alike.
    if [ $((index % 2)) -eq 1 ]; then order="plain bridged"; else order="bridged plain"; fi
    for app in $order; do
        result=$(round "$app")
        results+=("$app $result")
        echo "round $index $app: ${result% *} req/s, ${result#* } ms of proxy CPU per request"
    done
done
printf '%s\n' "${results[@]}" | "$bin/python" -c "$(cat <<'PY'
import statistics, sys
rows = [line.split() for line in sys.stdin if line.strip()]
rate = {app: statistics.mean(float(r[1]) for r in rows if r[0] == app) for app in ("plain", "bridged")}
cpu = {app: statistics.median(float(r[2]) for r in rows if r[0] == app) for app in ("plain", "bridged")}
rate_cost = 100 * (rate["plain"] - rate["bridged"]) / rate["plain"]
cpu_cost = 100 * (cpu["bridged"] - cpu["plain"]) / cpu["plain"]
print(f"throughput (mean): plain {rate['plain']:.0f} req/s, bridged {rate['bridged']:.0f} req/s ({rate_cost:+.1f} % cost)")
print(f"proxy CPU per request (median): plain {cpu['plain']:.3f} ms, bridged {cpu['bridged']:.3f} ms ({cpu_cost:+.1f} % cost)")
PY
)"
