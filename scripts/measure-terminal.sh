#!/usr/bin/env bash
# Measures what the dashboard costs at steady state: bytes written to the terminal per second and
# CPU use, at 120x40 with 16 simulated replicas and the default refresh, side by side with
# `htop -d 5` (0.5 s) in the same pseudo-terminal setup.
#
# Usage: scripts/measure-terminal.sh [seconds]   (default 30; the first 5 s are warm-up, not counted)
# ROUTERTOP_BIN overrides the binary (default: a release build, made if missing). The default fleet
# has 8 replicas; the script presses `a` (add a replica) 8 times once the dashboard is up, so the
# steady state measured has 16.
set -euo pipefail

duration=${1:-30}
warmup=5
if (( duration <= warmup )); then
    echo "measure-terminal: the duration must be longer than the ${warmup} s warm-up" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ -z "${ROUTERTOP_BIN:-}" ]]; then
    "$root/scripts/release-build.sh" --product routertop >"$work/build.log" 2>&1 || {
        cat "$work/build.log" >&2
        exit 1
    }
    ROUTERTOP_BIN="$root/.build/release/routertop"
fi
if ! command -v htop >/dev/null; then
    if [[ $(id -u) -eq 0 ]]; then
        (apt-get update -qq && apt-get install -y -qq htop) >"$work/apt.log" 2>&1 || {
            cat "$work/apt.log" >&2
            exit 1
        }
    else
        echo "measure-terminal: htop is missing; install it (apt-get install htop) and run again" >&2
        exit 1
    fi
fi
command -v script >/dev/null || { echo "measure-terminal: needs script(1) from util-linux" >&2; exit 1; }

ticks_per_second=$(getconf CLK_TCK)

# cpu_ticks STATFILE: user + system time of a process (/proc/PID/stat) or of one of its threads
# (/proc/PID/task/TID/stat), in clock ticks.
cpu_ticks() {
    # Field 2 (the command name) may hold spaces; count from after its closing parenthesis.
    local stat
    stat=$(cat "$1")
    stat=${stat##*) }
    set -- $stat
    echo $(( ${12} + ${13} ))
}

# measure NAME KEYS COMMAND...: runs COMMAND in a 120x40 pty for $duration seconds, typing KEYS
# after one second, and prints one row.
runs=0
measure() {
    local name=$1 keys=$2
    shift 2
    runs=$((runs + 1))
    local log="$work/run$runs.typescript" pidfile="$work/run$runs.pid" input="$work/run$runs.in"
    mkfifo "$input"
    # script gives the command a pty and records everything written to it; its input is a fifo we
    # hold open, so it types KEYS and then stays silent for the whole run.
    TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        script -q -f -e -c "echo \$\$ > '$pidfile'; stty cols 120 rows 40; exec $*" "$log" <"$input" >/dev/null 2>&1 &
    local script_pid=$!
    exec 3>"$input"
    local waited=0
    until [[ -s "$pidfile" ]]; do
        sleep 0.1
        waited=$((waited + 1))
        if (( waited > 100 )); then echo "measure-terminal: $name did not start" >&2; exit 1; fi
    done
    local pid
    pid=$(cat "$pidfile")
    sleep 1
    printf '%s' "$keys" >&3
    sleep $((warmup - 1))
    local bytes0 ticks0 main0 bytes1 ticks1 main1
    bytes0=$(stat -c %s "$log")
    ticks0=$(cpu_ticks "/proc/$pid/stat")
    main0=$(cpu_ticks "/proc/$pid/task/$pid/stat")
    sleep $((duration - warmup))
    bytes1=$(stat -c %s "$log")
    ticks1=$(cpu_ticks "/proc/$pid/stat")
    main1=$(cpu_ticks "/proc/$pid/task/$pid/stat")
    kill -TERM "$pid" 2>/dev/null || true
    exec 3>&-
    wait "$script_pid" 2>/dev/null || true
    local seconds=$((duration - warmup))
    awk -v name="$name" -v bytes=$((bytes1 - bytes0)) -v ticks=$((ticks1 - ticks0)) -v main=$((main1 - main0)) \
        -v hz="$ticks_per_second" -v s="$seconds" \
        'BEGIN { printf "%-28s %12.0f %8.2f %14.2f\n", name, bytes / s, 100 * ticks / hz / s, 100 * main / hz / s }'
}

# "main thread" is routertop's UI thread (every curses call and the frame computation); the rest of
# its CPU is the in-process router and simulated fleet. htop has one thread.
printf "%-28s %12s %8s %14s\n" "program (120x40, ${duration} s)" "bytes/s" "CPU %" "main thread %"
measure "routertop (16 replicas)" aaaaaaaa "'$ROUTERTOP_BIN' --log-file '$work/routertop.log'"
(( $(grep -c " added (" "$work/routertop.log") >= 16 )) \
    || echo "measure-terminal: warning: the fleet did not reach 16 replicas (see the log format)" >&2
measure "htop -d 5" "" "htop -d 5"
