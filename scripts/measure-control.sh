#!/usr/bin/env bash
# Measures what the control API costs a router: the snapshots per second an attached dashboard
# receives and the bytes per second on the control socket (the delta stream `attach` reads, and
# full snapshots), and the router's CPU with and without one attached dashboard, at 16 and 1,024
# replicas.
#
# Usage: scripts/measure-control.sh [seconds]   (default 20 per phase)
# ROUTERTOP_BIN overrides the binary (default: a release build, made if missing).
# The router is headless in proxy mode. Its replicas are addresses on 127.0.0.1 where nothing
# listens, so it keeps them unavailable and probes them again with backoff: the snapshot has every
# replica's row, and the probing costs the same with and without a dashboard. The streams are read
# at the dashboard's default refresh (500 ms), as `routertop attach` reads them.
set -euo pipefail

duration=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
cleanup() {
    [[ -n "${router_pid:-}" ]] && kill "$router_pid" 2>/dev/null || true
    tmux -S "$work/tmux" kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

measure_name=measure-control
# shellcheck source=scripts/measure-common.sh
source "$root/scripts/measure-common.sh"

# cpu_percent PID SECONDS: the share of one core PID used over the next SECONDS.
cpu_percent() {
    local before after
    before=$(cpu_ticks "$1")
    sleep "$2"
    after=$(cpu_ticks "$1")
    awk -v t=$(( after - before )) -v hz="$ticks_per_second" -v s="$2" 'BEGIN { printf "%.2f", 100 * t / hz / s }'
}

printf '%-9s %-22s %-22s %-22s %-18s %-22s %-18s\n' replicas "snapshots/s received" "delta bytes/s (attach)" \
    "full bytes/s" "full snapshot bytes" "router CPU alone" "router CPU + attach"
for count in 16 1024; do
    listening=$(ss -ltnH | awk '{print $4}' | sed 's/.*://' | sort -u)
    file="$work/replicas-$count.toml"
    : >"$file"
    port=50000
    made=0
    while (( made < count )); do
        port=$(( port + 1 ))
        grep -qx "$port" <<<"$listening" && continue
        printf '[[replica]]\nurl = "http://127.0.0.1:%d"\n' "$port" >>"$file"
        made=$(( made + 1 ))
    done
    socket="$work/router-$count.sock"
    "$ROUTERTOP_BIN" --listen 127.0.0.1:0 --headless --replicas "$file" --control "$socket" \
        --log-file "$work/router-$count.log" &
    router_pid=$!
    for _ in $(seq 100); do [[ -S "$socket" ]] && break; sleep 0.1; done
    sleep 3  # the first round of probes is over

    alone=$(cpu_percent "$router_pid" "$duration")

    tmux -S "$work/tmux" new-session -d -s attach -x 120 -y 40 \
        "env LANG=C.UTF-8 TERM=screen-256color $ROUTERTOP_BIN attach $socket"
    sleep 3
    attached=$(cpu_percent "$router_pid" "$duration")
    tmux -S "$work/tmux" kill-server 2>/dev/null || true

    stream=$( (timeout "$duration" curl -sN --unix-socket "$socket" 'http://router/v1/snapshots?interval_ms=500' || true) | wc -lc)
    lines=$(awk '{print $1}' <<<"$stream")
    bytes=$(awk '{print $2}' <<<"$stream")
    deltas=$( (timeout "$duration" curl -sN --unix-socket "$socket" 'http://router/v1/snapshots?interval_ms=500&view=delta' \
        || true) | wc -c)
    printf '%-9s %-22s %-22s %-22s %-18s %-22s %-18s\n' "$count" \
        "$(awk -v l="$lines" -v s="$duration" 'BEGIN { printf "%.2f", l / s }')" \
        "$(awk -v b="$deltas" -v s="$duration" 'BEGIN { printf "%.0f", b / s }')" \
        "$(awk -v b="$bytes" -v s="$duration" 'BEGIN { printf "%.0f", b / s }')" \
        "$(awk -v b="$bytes" -v l="$lines" 'BEGIN { printf "%.0f", (l > 0 ? b / l : 0) }')" \
        "${alone} %" "${attached} %"
    kill "$router_pid"
    wait "$router_pid" 2>/dev/null || true
    router_pid=
done
