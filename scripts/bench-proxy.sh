#!/usr/bin/env bash
# Benchmarks routertop's HTTP proxy against nginx and HAProxy on loopback.
#
# Four identical nginx backends answer a small 200. The same wrk load is run, in turn, against the
# backends directly (round-robin over wrk runs), nginx (random two least_conn), HAProxy
# (balance random(2)) and routertop (release build, headless). Each proxy gets one worker or thread
# and the same per-backend limit. Each measurement is repeated and the median reported, at each
# client count. Every proxy's CPU time (user and system, of all its processes and threads, read
# from /proc) over its measured runs is divided by the requests wrk completed in them: the CPU
# each proxied request costs. The last lines compare routertop with nginx and HAProxy, and the floor
# (below) with nginx: nginx's CPU a request less the floor's is what routertop's own work (HTTP,
# routing, traces, metrics) may cost for routertop to cost no more than nginx. The row
# "nio-floor" is Benchmarks/ProxyFloor: each client connection forwarded byte for byte to a backend
# of its own on SwiftNIO, with no HTTP and no routing; the least a proxy on this event loop library
# costs, and so the floor under routertop's data path.
#
# Usage: scripts/bench-proxy.sh [--duration 15s] [--connections 64,8] [--repeat 3] [--limit 32]
#                               [--swiftc-flag FLAG]... [--baseline BINARY] [--scaling]
#                               [--proxy-cpus LIST] [--load-cpus LIST] [--only-routertop]
#                               [--instructions]
# routertop runs with --event-loops 1 (one thread, like the other proxies).
# --baseline measures another routertop binary (an older build, say) after this one, in the same
# run, as the row "baseline", and compares the two (with --event-loops 1 when it has the option;
# builds before it ran on one loop).
# --scaling also measures routertop with --event-loops 2 (row "loops2") and prints its req/s and
# CPU per request over the one-loop row's, and the scaling with the load generator's CPU taken out:
# each routertop row reports its busiest thread (an event loop) and the requests it served per
# second of that thread's CPU, which is the throughput once that loop has a core of its own; the
# ratio of the two rows' figures is what a second loop adds on a machine with a core for each. With
# --baseline too (and a baseline that has the option), the baseline is measured on two loops as
# well (row "baseline2"), and its scaling printed next to this build's.
# --proxy-cpus pins every proxy to those CPUs (taskset -c LIST): nginx, HAProxy, the floor and each
# routertop row alike, so that a pinned run compares them on the same footing; --load-cpus pins wrk
# and the backends. --only-routertop skips nginx, HAProxy and the direct rows.
# --instructions counts, instead of timing, the user-space instructions each proxied request costs
# (every thread, under valgrind's callgrind, wrk -t1 -c8 for --duration after a warm-up): a figure
# that other load on the machine does not move, for before/after comparisons of the hot path. The
# kernel's share is not in it, and the proxies run some 50 times slower under callgrind, so work
# done on a timer weighs more than at full speed: each row also prints the figure with its idle
# instructions per second (counted for 3 s before the load) taken out, and the ratios use that one.
# --swiftc-flag builds routertop with an extra compiler flag (repeatable, in its own build folder),
# for example -enforce-exclusivity=unchecked or -cross-module-optimization.
# Needs: apt-get (installs nginx, haproxy and wrk when missing, and valgrind and binutils for
# --instructions), a Swift toolchain.
set -euo pipefail

DURATION=15s
CONNECTIONS=64,8
REPEAT=3
LIMIT=32
SWIFTC_FLAGS=()
BASELINE=""
SCALING=""
PROXY_CPUS=""
LOAD_CPUS=""
ONLY_ROUTERTOP=""
INSTRUCTIONS=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --limit) LIMIT=$2; shift 2 ;;
        --swiftc-flag) SWIFTC_FLAGS+=(-Xswiftc "$2"); shift 2 ;;
        --baseline) BASELINE=$2; shift 2 ;;
        --scaling) SCALING=1; shift ;;
        --proxy-cpus) PROXY_CPUS=$2; shift 2 ;;
        --load-cpus) LOAD_CPUS=$2; shift 2 ;;
        --only-routertop) ONLY_ROUTERTOP=1; shift ;;
        --instructions) INSTRUCTIONS=1; shift ;;
        # The comment block at the top, whole: a fixed line range fell behind as it grew.
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
        *) echo "bench-proxy: unknown argument $1" >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-proxy.XXXXXX")
# shellcheck source=bench-processes.sh
source "$ROOT/scripts/bench-processes.sh"

# --- tools -------------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v haproxy >/dev/null || [[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
command -v wrk >/dev/null || missing+=(wrk)
if [[ -n $INSTRUCTIONS ]]; then
    command -v valgrind >/dev/null || missing+=(valgrind)
    command -v objcopy >/dev/null || missing+=(binutils)
fi
if [[ ${#missing[@]} -gt 0 ]]; then
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO=sudo
    echo "installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

# pinned PROGRAM ARGS...: runs it on the CPUs given (or anywhere).
PROXY_PIN=()
LOAD_PIN=()
[[ -n $PROXY_CPUS ]] && PROXY_PIN=(taskset -c "$PROXY_CPUS")
[[ -n $LOAD_CPUS ]] && LOAD_PIN=(taskset -c "$LOAD_CPUS")

SCRATCH="$ROOT/.build"
# Extra flags change every module, so they get their own build folder and leave the usual one alone.
[[ ${#SWIFTC_FLAGS[@]} -gt 0 ]] && SCRATCH="$ROOT/.build/bench-flags"
echo "building routertop (release${SWIFTC_FLAGS[*]:+, ${SWIFTC_FLAGS[*]}})"
for product in routertop ProxyFloor; do
    release_build "$WORK/build-$product.log" --product "$product" --scratch-path "$SCRATCH" "${SWIFTC_FLAGS[@]}"
done
ROUTERTOP="$SCRATCH/release/routertop"
FLOOR="$SCRATCH/release/ProxyFloor"
# One loop like routertop's row; a baseline from before --event-loops ran on one loop anyway.
BASELINE_LOOPS=()
# The help is read whole first: piped into `grep -q`, which exits at the first match, the help's
# later writes met a closed pipe, pipefail failed the test, and the baseline ran on every core.
if [[ -n $BASELINE ]]; then
    baseline_help=$("$BASELINE" watch --help 2>&1 || true)
    if [[ $baseline_help == *--event-loops* ]]; then BASELINE_LOOPS=(--event-loops 1); fi
    echo "baseline: $BASELINE, ${BASELINE_LOOPS[*]:-without --event-loops (older than the option: one loop)}"
fi

# --- ports -------------------------------------------------------------------------------------
# A port is free when nothing listens on it and no socket uses it as its local port.
port_free() {
    if command -v ss >/dev/null; then
        [[ -z $(ss -Htan "( sport = :$1 )" 2>/dev/null) ]]
    else
        ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}
# Below the usual ephemeral range (32768 and up), so outgoing connections do not take our ports.
NEXT_PORT=$((15000 + RANDOM % 15000))
# Sets PORT to a free port (not in a subshell, so the next call moves on).
free_port() {
    while ! port_free "$NEXT_PORT"; do NEXT_PORT=$((NEXT_PORT + 1)); done
    PORT=$NEXT_PORT
    NEXT_PORT=$((NEXT_PORT + 1))
}
# wait_for_port PORT [TRIES]: waits up to TRIES × 50 ms (200 unless given) for PORT to listen.
wait_for_port() {
    local port=$1 most=${2:-200} tries=0
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        tries=$((tries + 1))
        if [[ $tries -gt $most ]]; then echo "bench-proxy: nothing listens on port $port" >&2; exit 1; fi
        sleep 0.05
    done
}

# --- backends ----------------------------------------------------------------------------------
BACKEND_PORTS=()
for i in 1 2 3 4; do
    free_port
    port=$PORT
    BACKEND_PORTS+=("$port")
    cat > "$WORK/backend$i.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/backend$i.pid;
error_log $WORK/backend$i.error.log warn;
events { worker_connections 4096; }
http {
    access_log $WORK/backend$i.access.log combined buffer=256k flush=1s;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    server {
        listen 127.0.0.1:$port backlog=4096;
        # No queue-length endpoint: routertop counts these replicas locally, as nginx and HAProxy do.
        location = /-/queue-length { return 404; }
        location / { default_type text/plain; return 200 "ok\n"; }
    }
}
CONF
    "${LOAD_PIN[@]}" "$NGINX" -p "$WORK" -c "$WORK/backend$i.conf" 2>>"$WORK/backend$i.error.log" &
    PIDS+=($!)
done
for port in "${BACKEND_PORTS[@]}"; do wait_for_port "$port"; done

# --- proxies -----------------------------------------------------------------------------------
free_port
NGINX_PORT=$PORT
{
    echo "worker_processes 1;"
    echo "daemon off;"
    echo "pid $WORK/nginx-lb.pid;"
    echo "error_log $WORK/nginx-lb.error.log warn;"
    echo "events { worker_connections 8192; }"
    echo "http {"
    echo "    access_log off;"
    echo "    upstream backends {"
    echo "        random two least_conn;"
    for port in "${BACKEND_PORTS[@]}"; do echo "        server 127.0.0.1:$port max_conns=$LIMIT;"; done
    echo "        keepalive 256;"
    echo "    }"
    echo "    server {"
    echo "        listen 127.0.0.1:$NGINX_PORT backlog=4096;"
    echo "        keepalive_requests 10000000;"
    echo "        location / {"
    echo "            proxy_pass http://backends;"
    echo "            proxy_http_version 1.1;"
    echo "            proxy_set_header Connection \"\";"
    echo "        }"
    echo "    }"
    echo "}"
} > "$WORK/nginx-lb.conf"

free_port
HAPROXY_PORT=$PORT
{
    echo "global"
    echo "    nbthread 1"
    echo "    maxconn 4096"
    echo "defaults"
    echo "    mode http"
    echo "    timeout connect 5s"
    echo "    timeout client 60s"
    echo "    timeout server 60s"
    echo "    option http-keep-alive"
    echo "frontend fe"
    echo "    bind 127.0.0.1:$HAPROXY_PORT"
    echo "    default_backend be"
    echo "backend be"
    echo "    balance random(2)"
    echo "    http-reuse always"
    i=1
    for port in "${BACKEND_PORTS[@]}"; do echo "    server b$i 127.0.0.1:$port maxconn $LIMIT"; i=$((i + 1)); done
} > "$WORK/haproxy.cfg"

free_port
FLOOR_PORT=$PORT

free_port
ROUTERTOP_PORT=$PORT
{
    for port in "${BACKEND_PORTS[@]}"; do
        echo "[[replica]]"
        echo "url = \"http://127.0.0.1:$port\""
        echo "max_ongoing_requests = $LIMIT"
        echo
    done
} > "$WORK/replicas.toml"

# --- comparing -----------------------------------------------------------------------------------
# A ratio above 1: the first costs or waits more than the second.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }
difference() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f", a - b }'; }

# --- instructions (--instructions) ----------------------------------------------------------------
if [[ -n $INSTRUCTIONS ]]; then
    declare -A PER_REQUEST
    echo "load: wrk -t1 -c8 -d$DURATION after a 3 s warm-up, each proxy under callgrind; per-backend limit $LIMIT"
    # count NAME PORT COMMAND...: COMMAND's user-space instructions per request, over all its threads,
    # raw and with its work at idle (timers) taken out: under callgrind a proxy serves some 50 times
    # fewer requests per second, so its timers weigh that much more per request, and two builds
    # that serve different numbers of requests in the same time are compared on the net figure.
    IDLE_SECONDS=3
    LOAD_SECONDS=$(awk -v d="$DURATION" 'BEGIN { n = d + 0; if (d ~ /m$/) n *= 60; print n }')
    count() {
        local name=$1 port=$2 pid requests total idle net
        shift 2
        valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/callgrind-$name.%p" "$@" \
            >"$WORK/callgrind-$name.log" 2>&1 &
        pid=$!
        PIDS+=("$pid")
        wait_for_port "$port" 1200   # a minute: everything starts slowly under callgrind
        wrk -t1 -c8 -d3s "http://127.0.0.1:$port/" >/dev/null 2>&1 || true
        callgrind_control --instr=on "$pid" >/dev/null 2>&1
        sleep "$IDLE_SECONDS"
        # A dump holds the counts since the one before: this one is the idle part (file NAME.PID.1).
        callgrind_control --dump=idle "$pid" >/dev/null 2>&1
        requests=$(wrk -t1 -c8 -d"$DURATION" "http://127.0.0.1:$port/" | awk '/ requests in / { print $1 }')
        callgrind_control --instr=off "$pid" >/dev/null 2>&1
        # TERM: a job started with & ignores INT in a script. Callgrind writes its counts as it ends.
        kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
        # Printed with %.0f: mawk's %d stops at 2^31 - 1, which a count of more than about 37 000
        # requests passes (about 14 s of load under callgrind).
        idle=$(awk '/^totals:/ { n += $2 } END { printf "%.0f", n }' "$WORK"/callgrind-"$name".[0-9]*.1)
        # Every dump file (idle, then the load at exit) less the idle one.
        total=$(awk -v i="$idle" '/^totals:/ { n += $2 } END { printf "%.0f", n - i }' "$WORK"/callgrind-"$name".[0-9]*)
        if [[ -z $requests || $requests -eq 0 ]]; then
            echo "bench-proxy: no request to $name completed under callgrind (see $WORK/callgrind-$name.log)" >&2
            exit 1
        fi
        net=$(awk -v t="$total" -v i="$idle" -v r="$requests" -v is="$IDLE_SECONDS" -v ls="$LOAD_SECONDS" \
            'BEGIN { printf "%.0f", (t - i / is * ls) / r }')
        PER_REQUEST[$name]=$net
        printf '  %-10s %8d instructions per request, %8d with idle work taken out (%d requests; idle %d per second)\n' \
            "$name" "$((total / requests))" "$net" "$requests" "$((idle / IDLE_SECONDS))"
    }
    # Valgrind 3.19 (Debian 12) cannot read the DWARF 5 debug information Swift 6 writes: count
    # copies without it (the symbols stay).
    objcopy --strip-debug "$ROUTERTOP" "$WORK/routertop-counted"
    if [[ -z $ONLY_ROUTERTOP ]]; then
        # One process, so that the instructions counted are the worker's.
        sed 's/^worker_processes 1;/worker_processes 1;\nmaster_process off;/' "$WORK/nginx-lb.conf" > "$WORK/nginx-lb-counted.conf"
        count nginx "$NGINX_PORT" "$NGINX" -p "$WORK" -c "$WORK/nginx-lb-counted.conf"
        count haproxy "$HAPROXY_PORT" "$HAPROXY" -f "$WORK/haproxy.cfg" -db
        objcopy --strip-debug "$FLOOR" "$WORK/floor-counted"
        count nio-floor "$FLOOR_PORT" "$WORK/floor-counted" "$FLOOR_PORT" "${BACKEND_PORTS[@]}"
    fi
    count routertop "$ROUTERTOP_PORT" "$WORK/routertop-counted" --listen "127.0.0.1:$ROUTERTOP_PORT" \
        --replicas "$WORK/replicas.toml" --headless --log-file "$WORK/routertop-counted.log" --event-loops 1
    if [[ -n $BASELINE ]]; then
        objcopy --strip-debug "$BASELINE" "$WORK/baseline-counted"
        count baseline "$ROUTERTOP_PORT" "$WORK/baseline-counted" --listen "127.0.0.1:$ROUTERTOP_PORT" \
            --replicas "$WORK/replicas.toml" --headless --log-file "$WORK/baseline-counted.log" "${BASELINE_LOOPS[@]}"
    fi
    echo
    for other in nginx haproxy nio-floor baseline; do
        [[ -n ${PER_REQUEST[$other]:-} ]] || continue
        printf 'routertop/%-9s instructions per request %sx\n' "$other" \
            "$(ratio "${PER_REQUEST[routertop]}" "${PER_REQUEST[$other]}")"
    done
    if [[ -n ${PER_REQUEST[nginx]:-} ]]; then
        printf 'nio-floor/nginx     instructions per request %sx\n' "$(ratio "${PER_REQUEST[nio-floor]}" "${PER_REQUEST[nginx]}")"
    fi
    exit 0
fi

# --- measuring ---------------------------------------------------------------------------------
access_counts() {
    local i
    for i in 1 2 3 4; do
        if [[ -f "$WORK/backend$i.access.log" ]]; then wc -l < "$WORK/backend$i.access.log"; else echo 0; fi
    done
}

to_ms() {
    # wrk prints 512.00us, 1.23ms or 1.02s
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { printf "%s", v } }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

CLOCK_TICKS=$(getconf CLK_TCK)
# "USER SYSTEM" clock ticks used so far by a process, its threads and its child processes (nginx's
# and HAProxy's workers), from /proc/PID/stat (fields 14 and 15, counted after the command name).
cpu_ticks() {
    local pid=$1 user=0 system=0 child u s
    read -r u s < <(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12, $13 }')
    user=$((user + u)); system=$((system + s))
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
        read -r u s < <(cpu_ticks "$child")
        user=$((user + u)); system=$((system + s))
    done
    echo "$user $system"
}

# thread_ticks PID: "TID TICKS" of each thread of PID (user + system clock ticks so far).
thread_ticks() {
    local task
    for task in /proc/"$1"/task/*; do
        sed 's/^.*) //' "$task/stat" 2>/dev/null | awk -v tid="${task##*/}" '{ print tid, $12 + $13 }'
    done
}

# busiest_delta BEFORE AFTER: the most ticks any one thread used between two thread_ticks listings.
busiest_delta() {
    awk 'NR == FNR { before[$1] = $2; next } { d = $2 - before[$1]; if (d > most) most = d } END { print most + 0 }' \
        <(echo "$1") <(echo "$2")
}

# per_request TICKS REQUESTS: microseconds of CPU per request.
per_request() { awk -v t="$1" -v hz="$CLOCK_TICKS" -v n="$2" 'BEGIN { printf "%.1f", n ? t / hz * 1e6 / n : 0 }'; }

declare -A RPS P50 P99 ERRORS SHARE USER_US SYSTEM_US CPU_US CAPACITY

# measure NAME URL CONNECTIONS [PID [per-thread]]: wrk against URL; with PID, that process's CPU per
# request; with per-thread too, its busiest thread and the requests per second of that thread's CPU.
measure() {
    local name=$1 url=$2 connections=$3 pid=${4:-} per_thread=${5:-}
    local key="$name/$connections"
    "${LOAD_PIN[@]}" wrk -t1 -c"$connections" -d2s "$url" >/dev/null 2>&1 || true   # warm-up, not counted
    sleep 1.5   # let the backends flush their access logs
    local before after rps=() p50=() p99=() errors=0 requests=0 out run cpu_before=(0 0) cpu_after=(0 0)
    mapfile -t before < <(access_counts)
    local threads_before="" threads_after="" started ended
    [[ -n $pid ]] && read -r -a cpu_before < <(cpu_ticks "$pid")
    [[ -n $per_thread ]] && threads_before=$(thread_ticks "$pid")
    started=$(date +%s.%N)
    for run in $(seq "$REPEAT"); do
        out=$("${LOAD_PIN[@]}" wrk -t1 -c"$connections" -d"$DURATION" --latency "$url")
        echo "$out" > "$WORK/wrk-$name-c$connections-$run.txt"
        rps+=("$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")")
        p50+=("$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")")
        p99+=("$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")")
        requests=$((requests + $(awk '/ requests in / { print $1 }' <<<"$out")))
        errors=$((errors + $(awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }' <<<"$out")))
        errors=$((errors + $(awk -F'[ ,]+' '/Socket errors:/ { n = $5 + $7 + $9 + $11 } END { print n + 0 }' <<<"$out")))
    done
    [[ -n $pid ]] && read -r -a cpu_after < <(cpu_ticks "$pid")
    [[ -n $per_thread ]] && threads_after=$(thread_ticks "$pid")
    ended=$(date +%s.%N)
    sleep 1.5
    mapfile -t after < <(access_counts)
    local total=0 i shares=""
    for i in 0 1 2 3; do total=$((total + after[i] - before[i])); done
    for i in 0 1 2 3; do
        shares+="$(awk -v d=$((after[i] - before[i])) -v t="$total" 'BEGIN { printf "%.1f%%", t ? 100 * d / t : 0 }') "
    done
    RPS[$key]=$(median "${rps[@]}")
    P50[$key]=$(median "${p50[@]}")
    P99[$key]=$(median "${p99[@]}")
    ERRORS[$key]=$errors
    SHARE[$key]=$shares
    USER_US[$key]=$(per_request $((cpu_after[0] - cpu_before[0])) "$requests")
    SYSTEM_US[$key]=$(per_request $((cpu_after[1] - cpu_before[1])) "$requests")
    CPU_US[$key]=$(per_request $((cpu_after[0] - cpu_before[0] + cpu_after[1] - cpu_before[1])) "$requests")
    local cpu="         —" busiest share
    [[ -n $pid ]] && cpu=$(printf '%5.1f µs (%4.1f user + %4.1f sys)' "${CPU_US[$key]}" "${USER_US[$key]}" "${SYSTEM_US[$key]}")
    printf '  %-10s -c%-3s %8.0f req/s  p50 %6.3f ms  p99 %6.3f ms  cpu/req %s  errors %d  share %s\n' \
        "$name" "$connections" "${RPS[$key]}" "${P50[$key]}" "${P99[$key]}" "$cpu" "$errors" "$shares"
    if [[ -n $per_thread ]]; then
        busiest=$(busiest_delta "$threads_before" "$threads_after")
        share=$(awk -v t="$busiest" -v hz="$CLOCK_TICKS" -v a="$started" -v b="$ended" \
            'BEGIN { printf "%.0f", (b > a) ? 100 * t / hz / (b - a) : 0 }')
        CAPACITY[$key]=$(awk -v t="$busiest" -v hz="$CLOCK_TICKS" -v n="$requests" 'BEGIN { printf "%.0f", t ? n / (t / hz) : 0 }')
        printf '  %-10s -c%-3s busiest thread %s%% of a core; %s requests per second of its CPU\n' \
            "$name" "$connections" "$share" "${CAPACITY[$key]}"
    fi
}

IFS=, read -r -a CONNECTION_COUNTS <<<"$CONNECTIONS"
echo "load: wrk -t1 -c{$CONNECTIONS} -d$DURATION --latency, $REPEAT runs each (median); per-backend limit $LIMIT"
echo "machine: $(nproc) CPUs; $("$NGINX" -v 2>&1 | head -1); $("$HAPROXY" -v | head -1 | cut -d' ' -f1-3)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)${PROXY_CPUS:+; proxies on CPUs $PROXY_CPUS}${LOAD_CPUS:+; wrk and backends on CPUs $LOAD_CPUS}"

# measure_all NAME URL [PID [per-thread]]: one measurement at each client count; with per-thread
# (for a proxy that is one process), also its busiest thread.
measure_all() {
    local connections
    for connections in "${CONNECTION_COUNTS[@]}"; do measure "$1" "$2" "$connections" "${3:-}" "${4:-}"; done
}

# The backends directly: wrk cannot spread over four ports, so it hits one of them (the floor of
# what a proxy adds is the difference to this line).
if [[ -z $ONLY_ROUTERTOP ]]; then
measure_all direct "http://127.0.0.1:${BACKEND_PORTS[0]}/"

"${PROXY_PIN[@]}" "$NGINX" -p "$WORK" -c "$WORK/nginx-lb.conf" 2>>"$WORK/nginx-lb.error.log" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_for_port "$NGINX_PORT"
measure_all nginx "http://127.0.0.1:$NGINX_PORT/" "$NGINX_PID"
kill -TERM "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true

"${PROXY_PIN[@]}" "$HAPROXY" -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
HAPROXY_PID=$!
PIDS+=("$HAPROXY_PID")
wait_for_port "$HAPROXY_PORT"
measure_all haproxy "http://127.0.0.1:$HAPROXY_PORT/" "$HAPROXY_PID"
kill -TERM "$HAPROXY_PID"; wait "$HAPROXY_PID" 2>/dev/null || true

# The floor: bytes forwarded on SwiftNIO, no HTTP, no routing (Benchmarks/ProxyFloor).
"${PROXY_PIN[@]}" "$FLOOR" "$FLOOR_PORT" "${BACKEND_PORTS[@]}" 2>>"$WORK/nio-floor.log" &
FLOOR_PID=$!
PIDS+=("$FLOOR_PID")
wait_for_port "$FLOOR_PORT"
measure_all nio-floor "http://127.0.0.1:$FLOOR_PORT/" "$FLOOR_PID" per-thread
kill -TERM "$FLOOR_PID"; wait "$FLOOR_PID" 2>/dev/null || true
fi

# measure_routertop NAME BINARY [ARGUMENTS...]: a headless routertop in front of the backends.
measure_routertop() {
    local name=$1 binary=$2 pid
    shift 2
    "${PROXY_PIN[@]}" "$binary" --listen "127.0.0.1:$ROUTERTOP_PORT" --replicas "$WORK/replicas.toml" --headless \
        --log-file "$WORK/$name.log" "$@" &
    pid=$!
    PIDS+=("$pid")
    wait_for_port "$ROUTERTOP_PORT"
    measure_all "$name" "http://127.0.0.1:$ROUTERTOP_PORT/" "$pid" per-thread
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    tail -1 "$WORK/$name.log"
}
measure_routertop routertop "$ROUTERTOP" --event-loops 1
if [[ -n $SCALING ]]; then measure_routertop loops2 "$ROUTERTOP" --event-loops 2; fi
if [[ -n $BASELINE ]]; then measure_routertop baseline "$BASELINE" "${BASELINE_LOOPS[@]}"; fi
if [[ -n $BASELINE && -n $SCALING && ${#BASELINE_LOOPS[@]} -gt 0 ]]; then
    measure_routertop baseline2 "$BASELINE" --event-loops 2
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# compare MINE OTHER CONNECTIONS: MINE's figures over OTHER's at that client count.
compare() {
    local mine="$1/$3" theirs="$2/$3"
    printf '%-19s -c%-3s req/s %sx  p99 %sx  cpu/req %sx (user %sx, sys %sx)\n' "$1/$2" "$3" \
        "$(ratio "${RPS[$mine]}" "${RPS[$theirs]}")" "$(ratio "${P99[$mine]}" "${P99[$theirs]}")" \
        "$(ratio "${CPU_US[$mine]}" "${CPU_US[$theirs]}")" "$(ratio "${USER_US[$mine]}" "${USER_US[$theirs]}")" \
        "$(ratio "${SYSTEM_US[$mine]}" "${SYSTEM_US[$theirs]}")"
}
echo
for connections in "${CONNECTION_COUNTS[@]}"; do
    if [[ -z $ONLY_ROUTERTOP ]]; then
        compare routertop nginx "$connections"
        compare routertop haproxy "$connections"
        compare routertop nio-floor "$connections"
        # What SwiftNIO alone costs against nginx, and so the CPU a request left for everything
        # routertop does beyond moving the bytes (HTTP, routing, traces, metrics) if it is to cost
        # no more than nginx.
        compare nio-floor nginx "$connections"
        printf '%-19s -c%-3s nginx %s µs a request, routertop %s µs\n' 'over the floor' "$connections" \
            "$(difference "${CPU_US[nginx/$connections]}" "${CPU_US[nio-floor/$connections]}")" \
            "$(difference "${CPU_US[routertop/$connections]}" "${CPU_US[nio-floor/$connections]}")"
    fi
    if [[ -n $BASELINE ]]; then compare routertop baseline "$connections"; fi
    if [[ -n $SCALING ]]; then
        printf 'loops2/loops1       -c%-3s req/s %sx  p99 %sx  cpu/req %sx\n' "$connections" \
            "$(ratio "${RPS[loops2/$connections]}" "${RPS[routertop/$connections]}")" \
            "$(ratio "${P99[loops2/$connections]}" "${P99[routertop/$connections]}")" \
            "$(ratio "${CPU_US[loops2/$connections]}" "${CPU_US[routertop/$connections]}")"
        printf 'loops2/loops1       -c%-3s requests per second of the busiest loop'"'"'s CPU %sx (2 loops, a core each)\n' \
            "$connections" "$(ratio "${CAPACITY[loops2/$connections]}" "${CAPACITY[routertop/$connections]}")"
        if [[ -n ${CAPACITY[baseline2/$connections]:-} ]]; then
            printf 'baseline2/baseline  -c%-3s requests per second of the busiest loop'"'"'s CPU %sx (the baseline'"'"'s scaling)\n' \
                "$connections" "$(ratio "${CAPACITY[baseline2/$connections]}" "${CAPACITY[baseline/$connections]}")"
        fi
    fi
done
