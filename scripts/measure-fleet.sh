#!/usr/bin/env bash
# Measures what `routertop fleet` costs: for 1, 16 and 64 headless routers at 16 and 1,024
# replicas each, the bytes per second on one router's control socket (the fleet's summary stream at
# the default refresh, 500 ms), the CPU of the fleet screen and of one router, and the bytes per
# second the fleet screen writes to its terminal (tmux, 120×40).
#
# Usage: scripts/measure-fleet.sh [seconds] [counts] [replicas]   (defaults: 10, "1 16 64", "16 1024")
# ROUTERTOP_BIN overrides the binary (default: a release build, made if missing).
# Replicas are addresses on 127.0.0.1 where nothing listens, as in measure-control.sh: every row is
# in the snapshot and the probing costs the same with and without the fleet.
set -euo pipefail

duration=${1:-10}
counts=${2:-"1 16 64"}
sizes=${3:-"16 1024"}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    tmux -S "$work/tmux" kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

measure_name=measure-fleet
# shellcheck source=scripts/measure-common.sh
source "$root/scripts/measure-common.sh"

percent() {
    awk -v t="$1" -v hz="$ticks_per_second" -v s="$2" 'BEGIN { printf "%.2f", 100 * t / hz / s }'
}

mkdir -m 700 -p "$work/run/routertop"
export XDG_RUNTIME_DIR="$work/run" XDG_STATE_HOME="$work/state"
printf '%-8s %-9s %-22s %-20s %-18s %-22s\n' routers replicas "socket bytes/s (one)" "fleet CPU" "one router CPU" \
    "terminal bytes/s"
for size in $sizes; do
    listening=$(ss -ltnH | awk '{print $4}' | sed 's/.*://' | sort -u)
    file="$work/replicas-$size.toml"
    : >"$file"
    port=50000
    made=0
    while (( made < size )); do
        port=$(( port + 1 ))
        grep -qx "$port" <<<"$listening" && continue
        printf '[[replica]]\nurl = "http://127.0.0.1:%d"\n' "$port" >>"$file"
        made=$(( made + 1 ))
    done
    for count in $counts; do
        pids=()
        for index in $(seq "$count"); do
            "$ROUTERTOP_BIN" --listen 127.0.0.1:0 --headless --replicas "$file" --name "r$index" \
                --log-file "$work/r$index.log" &
            pids+=($!)
        done
        for index in $(seq "$count"); do
            for _ in $(seq 200); do [[ -S "$work/run/routertop/r$index.sock" ]] && break; sleep 0.1; done
        done
        sleep 2  # the first round of probes is over
        : >"$work/terminal"
        tmux -S "$work/tmux" new-session -d -s fleet -x 120 -y 40 \
            "env LANG=C.UTF-8 TERM=screen-256color XDG_RUNTIME_DIR=$work/run $ROUTERTOP_BIN fleet"
        tmux -S "$work/tmux" pipe-pane -t fleet "cat >> $work/terminal"
        sleep 3
        fleet_pid=$(pgrep -f "^$ROUTERTOP_BIN fleet" | head -1)
        router_pid=${pids[0]}
        fleet_before=$(cpu_ticks "$fleet_pid")
        router_before=$(cpu_ticks "$router_pid")
        terminal_before=$(stat -c %s "$work/terminal")
        stream=$( (timeout "$duration" curl -sN --unix-socket "$work/run/routertop/r1.sock" \
            'http://router/v1/snapshots?interval_ms=500&view=summary' || true) | wc -c)
        fleet_after=$(cpu_ticks "$fleet_pid")
        router_after=$(cpu_ticks "$router_pid")
        terminal_after=$(stat -c %s "$work/terminal")
        # r1 serves two summary streams meanwhile (the fleet and this curl), besides its own probing.
        printf '%-8s %-9s %-22s %-20s %-18s %-22s\n' "$count" "$size" \
            "$(awk -v b="$stream" -v s="$duration" 'BEGIN { printf "%.0f", b / s }')" \
            "$(percent $(( fleet_after - fleet_before )) "$duration") %" \
            "$(percent $(( router_after - router_before )) "$duration") %" \
            "$(awk -v b=$(( terminal_after - terminal_before )) -v s="$duration" 'BEGIN { printf "%.0f", b / s }')"
        tmux -S "$work/tmux" kill-server 2>/dev/null || true
        for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
        for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
        pids=()
    done
done
