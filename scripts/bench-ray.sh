#!/usr/bin/env bash
# Ray Serve's proxy throughput for a trivial deployment with Ray's own router and with the bridge, in
# the same Ray run: wrk on 127.0.0.1 alternates between the two apps (ROUNDS rounds of SECONDS each) and
# the script prints each figure and the bridge's cost. Ray is stopped whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-3}
seconds=${SECONDS_PER_ROUND:-10}
command -v wrk >/dev/null 2>&1 || { echo "bench-ray needs wrk (apt-get install wrk)" >&2; exit 1; }
scripts/install-ray-venv.sh
bin=$PWD/.venv-ray/bin
work=$(mktemp -d)
export XDG_RUNTIME_DIR=$work/run XDG_STATE_HOME=$work/state PYTHONPATH=$PWD/integrations/ray/e2e RAY_USAGE_STATS_ENABLED=0
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

rate() { wrk -t2 -c32 -d"${seconds}s" "http://127.0.0.1:$port/$1" | awk '/^Requests\/sec/ {print $2}'; }
rate plain >/dev/null; rate bridged >/dev/null   # warm both paths up
plain=(); bridged=()
for round in $(seq "$rounds"); do
    plain+=("$(rate plain)")
    bridged+=("$(rate bridged)")
    echo "round $round: plain ${plain[-1]} req/s, bridged ${bridged[-1]} req/s"
done
"$bin/python" - "${plain[*]}" "${bridged[*]}" <<'PY'
import statistics, sys
plain = [float(v) for v in sys.argv[1].split()]
bridged = [float(v) for v in sys.argv[2].split()]
p, b = statistics.mean(plain), statistics.mean(bridged)
print(f"plain {p:.0f} req/s, bridged {b:.0f} req/s: the bridge costs {100 * (p - b) / p:.1f} %")
PY
