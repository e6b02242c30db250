#!/usr/bin/env bash
# Measures what a large SIGHUP reload costs the traffic going through a headless proxy: two
# `routertop replica` processes take a steady closed-loop load (8 clients); the replica file is then
# rewritten with N more replicas (addresses 127.0.x.y:9 on loopback, where nothing listens: each is
# probed, refused and kept unavailable) and the router gets SIGHUP. It reports the latency p99 over
# the 10 s before and the 10 s after the SIGHUP, for each N, and the router's RSS after.
#
# Usage: scripts/measure-reload.sh [N...]   (default 1000 2500 5000 10000)
# ROUTERTOP_BIN overrides the binary (default: a release build, made if missing).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure_name=measure-reload
# shellcheck source=scripts/measure-common.sh
source "$root/scripts/measure-common.sh"
command -v python3 >/dev/null || { echo "$measure_name: needs python3" >&2; exit 1; }
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 2500 5000 10000)

python3 - "$ROUTERTOP_BIN" "$work" "${sizes[@]}" <<'PY'
import http.client, os, re, signal, subprocess, sys, threading, time
binary, work, sizes = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3:]]

def listening(path, deadline=15):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        match = re.search(r"listening on \S*:(\d+)", open(path).read() if os.path.exists(path) else "")
        if match: return int(match.group(1))
        time.sleep(0.05)
    sys.exit(f"measure-reload: nothing listens (see {path})")

def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(0.99 * len(values)))] * 1000 if values else float("nan")

print(f"{'added':>7} {'p99 before (ms)':>16} {'p99 after (ms)':>15} {'ratio':>6} {'max after (ms)':>15} "
      f"{'failed':>7} {'reload took (s)':>16} {'RSS after (MB)':>15}")
for size in sizes:
    procs = []
    try:
        alive = []
        for index in range(2):
            log = f"{work}/replica{size}-{index}.log"
            procs.append(subprocess.Popen([binary, "replica", "--listen", "127.0.0.1:0", "--max-ongoing", "8",
                                           "--service-ms", "2"], stderr=open(log, "w"), stdout=subprocess.DEVNULL))
            alive.append(listening(log))
        base = "".join(f'[[replica]]\nurl = "http://127.0.0.1:{port}"\n' for port in alive)
        replicas = f"{work}/replicas{size}.toml"
        open(replicas, "w").write(base)
        log = f"{work}/router{size}.log"
        env = dict(os.environ, XDG_STATE_HOME=f"{work}/state", XDG_RUNTIME_DIR=work)
        router = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--headless", "--replicas", replicas,
                                   "--log-file", log], env=env, stdout=subprocess.DEVNULL, stderr=open(f"{work}/router{size}.stderr", "w"))
        procs.append(router)
        port = listening(log)

        samples, failures, stop, lock = [], {}, threading.Event(), threading.Lock()
        def client():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            while not stop.is_set():
                began = time.monotonic()
                try:
                    conn.request("GET", "/reload"); answer = conn.getresponse(); answer.read()
                    kind = answer.status
                except Exception as error:
                    conn.close(); conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    kind = type(error).__name__
                with lock:
                    if kind == 200: samples.append((began, time.monotonic() - began))
                    else: failures[kind] = failures.get(kind, 0) + 1
        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads: t.start()
        time.sleep(12)
        # N replicas on distinct loopback addresses where nothing listens (port 9).
        extra = "".join(f'[[replica]]\nurl = "http://127.{1 + i // 65000}.{(i // 250) % 250 + 1}.{i % 250 + 1}:9"\n'
                        for i in range(size))
        open(replicas, "w").write(base + extra)
        hup = time.monotonic()
        router.send_signal(signal.SIGHUP)
        took = float("nan")
        while time.monotonic() < hup + 60:
            if "SIGHUP: re-read" in open(log).read() or "reload refused" in open(log).read():
                took = time.monotonic() - hup; break
            time.sleep(0.05)
        time.sleep(max(0, hup + 10 - time.monotonic()))
        stop.set()
        for t in threads: t.join()
        before = [d for (b, d) in samples if hup - 10 <= b < hup]
        after = [d for (b, d) in samples if hup <= b < hup + 10]
        rss = int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{router.pid}/status").read()).group(1)) / 1024
        print(f"{size:>7} {p99(before):>16.2f} {p99(after):>15.2f} {p99(after) / p99(before):>6.2f} "
              f"{max(after) * 1000 if after else float('nan'):>15.1f} {sum(failures.values()):>7} {took:>16.2f} {rss:>15.1f}"
              + (f"  failures: {failures}" if failures else ""), flush=True)
    finally:
        for p in procs: p.send_signal(signal.SIGTERM)
        for p in procs:
            try: p.wait(timeout=30)
            except subprocess.TimeoutExpired: p.kill()
PY
