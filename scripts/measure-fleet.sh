#!/usr/bin/env bash
# Measures what `routertop fleet` and `routertop attach` cost: for 1, 16 and 64 headless routers at
# 16 and 1,024 replicas each, the bytes per second on one router's control socket (the fleet's
# summary stream at the default refresh, 500 ms), the CPU of the fleet screen and of one router (alone
# first, then while it serves the fleet and the measuring stream), and
# the bytes per second the fleet screen writes to its terminal (tmux, 120×40), and htop's there; then,
# for one router, the bytes per second of the stream `attach` reads (`view=delta`) beside the full
# snapshots it read before.
#
# Usage: scripts/measure-fleet.sh [seconds] [counts] [replicas]   (defaults: 10, "1 16 64", "16 1024")
# ROUTERTOP_BIN overrides the binary (default: a release build, made if missing).
# REPLICAS=live (the default): eight `routertop replica` processes on 0.0.0.0 answer every replica;
# each replica is its own loopback address (127.0.X.Y) on one of their ports, so a router sees R
# distinct replicas that answer their probes, and 64 routers of 1,024 replicas need no 65,536 processes.
# REPLICAS=dead: addresses on 127.0.0.1 where nothing listens, as in measure-control.sh: kept
# unavailable and probed with backoff, so each router also pays for probing R dead replicas.
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

per_second() {
    awk -v b="$1" -v s="$duration" 'BEGIN { printf "%.0f", b / s }'
}

# stream_bytes QUERY: the bytes router r1's snapshot stream sends in `duration` seconds at 500 ms.
stream_bytes() {
    (timeout "$duration" curl -sN --unix-socket "$work/run/routertop/r1.sock" \
        "http://router/v1/snapshots?interval_ms=500$1" || true) | wc -c
}

percent() {
    awk -v t="$1" -v hz="$ticks_per_second" -v s="$2" 'BEGIN { printf "%.2f", 100 * t / hz / s }'
}

mkdir -m 700 -p "$work/run/routertop"
export XDG_RUNTIME_DIR="$work/run" XDG_STATE_HOME="$work/state"
replicas=${REPLICAS:-live}
listening=$(ss -ltnH | awk '{print $4}' | sed 's/.*://' | sort -u)
# free_ports N FROM: N ports above FROM where nothing listens.
free_ports() {
    local port=$2 made=0
    while (( made < $1 )); do
        port=$(( port + 1 ))
        grep -qx "$port" <<<"$listening" && continue
        echo "$port"
        made=$(( made + 1 ))
    done
}
if [[ $replicas == live ]]; then
    mapfile -t replica_ports < <(free_ports 8 47000)
    for port in "${replica_ports[@]}"; do
        "$ROUTERTOP_BIN" replica --listen "0.0.0.0:$port" --max-ongoing 100 >"$work/replica-$port.log" 2>&1 &
        pids+=($!)
    done
    for port in "${replica_ports[@]}"; do
        for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/-/queue-length" >/dev/null && break; sleep 0.1; done
    done
fi
replica_pids=("${pids[@]}")

printf '%-8s %-9s %-22s %-12s %-22s %-20s %-18s\n' routers replicas "socket bytes/s (one)" "fleet CPU" \
    "one router CPU alone" "with fleet + curl" "terminal bytes/s"
attach_rows=()
for size in $sizes; do
    file="$work/replicas-$size.toml"
    : >"$file"
    if [[ $replicas == live ]]; then
        for index in $(seq 0 $(( size - 1 ))); do
            printf '[[replica]]\nurl = "http://127.0.%d.%d:%d"\n' $(( index / 250 + 1 )) $(( index % 250 + 1 )) \
                "${replica_ports[index % ${#replica_ports[@]}]}" >>"$file"
        done
    else
        for port in $(free_ports "$size" 50000); do
            printf '[[replica]]\nurl = "http://127.0.0.1:%d"\n' "$port" >>"$file"
        done
    fi
    for count in $counts; do
        routers=()
        for index in $(seq "$count"); do
            "$ROUTERTOP_BIN" --listen 127.0.0.1:0 --headless --replicas "$file" --name "r$index" \
                --log-file "$work/r$index.log" &
            pids+=($!)
            routers+=($!)
        done
        for index in $(seq "$count"); do
            for _ in $(seq 200); do [[ -S "$work/run/routertop/r$index.sock" ]] && break; sleep 0.1; done
        done
        sleep 2  # the first round of probes is over
        router_pid=${routers[0]}
        alone_before=$(cpu_ticks "$router_pid")
        sleep "$duration"
        alone_after=$(cpu_ticks "$router_pid")
        : >"$work/terminal"
        tmux -S "$work/tmux" new-session -d -s fleet -x 120 -y 40 \
            "env LANG=C.UTF-8 TERM=screen-256color XDG_RUNTIME_DIR=$work/run $ROUTERTOP_BIN fleet"
        tmux -S "$work/tmux" pipe-pane -t fleet "cat >> $work/terminal"
        sleep 3
        fleet_pid=$(pgrep -f "^$ROUTERTOP_BIN fleet" | head -1)
        fleet_before=$(cpu_ticks "$fleet_pid")
        router_before=$(cpu_ticks "$router_pid")
        terminal_before=$(stat -c %s "$work/terminal")
        stream=$( (timeout "$duration" curl -sN --unix-socket "$work/run/routertop/r1.sock" \
            'http://router/v1/snapshots?interval_ms=500&view=summary' || true) | wc -c)
        fleet_after=$(cpu_ticks "$fleet_pid")
        router_after=$(cpu_ticks "$router_pid")
        terminal_after=$(stat -c %s "$work/terminal")
        # r1 serves two summary streams meanwhile (the fleet and this curl), besides its own probing.
        printf '%-8s %-9s %-22s %-12s %-22s %-20s %-18s\n' "$count" "$size" \
            "$(awk -v b="$stream" -v s="$duration" 'BEGIN { printf "%.0f", b / s }')" \
            "$(percent $(( fleet_after - fleet_before )) "$duration") %" \
            "$(percent $(( alone_after - alone_before )) "$duration") %" \
            "$(percent $(( router_after - router_before )) "$duration") %" \
            "$(awk -v b=$(( terminal_after - terminal_before )) -v s="$duration" 'BEGIN { printf "%.0f", b / s }')"
        tmux -S "$work/tmux" kill-server 2>/dev/null || true
        if (( count == 1 )); then
            # What `attach` reads from one router: deltas now, full snapshots before (both at 500 ms).
            stream_bytes "&view=delta" >"$work/delta" &
            delta_pid=$!
            stream_bytes "" >"$work/full" &
            wait "$delta_pid" "$!" || true
            attach_rows+=("$(printf '%-9s %-24s %-24s' "$size" "$(per_second "$(cat "$work/delta")")" \
                "$(per_second "$(cat "$work/full")")")")
        fi
        for pid in "${routers[@]}"; do kill "$pid" 2>/dev/null || true; done
        for pid in "${routers[@]}"; do wait "$pid" 2>/dev/null || true; done
        pids=("${replica_pids[@]}")
    done
done
# htop in the same terminal, refreshing as often as the fleet screen (-d 5: 0.5 s), for comparison.
if command -v htop >/dev/null; then
    : >"$work/terminal"
    tmux -S "$work/tmux" new-session -d -s htop -x 120 -y 40 "env LANG=C.UTF-8 TERM=screen-256color htop -d 5"
    tmux -S "$work/tmux" pipe-pane -t htop "cat >> $work/terminal"
    sleep 3
    terminal_before=$(stat -c %s "$work/terminal")
    sleep "$duration"
    terminal_after=$(stat -c %s "$work/terminal")
    tmux -S "$work/tmux" kill-server 2>/dev/null || true
    printf '\nhtop -d 5 at 120×40 in tmux: %s terminal bytes/s\n' "$(per_second $(( terminal_after - terminal_before )))"
else
    echo "measure-fleet: htop is missing (scripts/install-deps.sh installs it): no htop figure" >&2
fi
if (( ${#attach_rows[@]} > 0 )); then
    printf '\n%-9s %-24s %-24s\n' replicas "attach bytes/s (delta)" "full snapshots bytes/s"
    printf '%s\n' "${attach_rows[@]}"
fi
