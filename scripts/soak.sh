#!/usr/bin/env bash
# A bounded soak of the proxy on loopback (under two minutes): four `routertop replica` processes
# at about 80 % load through a headless router, while replicas are killed, restarted, made
# unavailable and given slow probes at random, and slow and disconnecting clients mix with normal
# ones. Beside the traffic, control API clients use the router's Unix socket: snapshot streams
# opened and dropped, settings PUTs, and `routertop attach` dashboards started and closed (in tmux,
# when it is installed); the router's RSS and descriptors are printed every 5 s. At the end it
# checks that
#   - the clients' tally equals the router's counters (from its exit summary),
#   - no GET failed (every GET ran while at least one replica was healthy),
#   - no client connection is left open, the router's other descriptors are back to their idle
#     count, its pool of connections to the replicas is bounded, and its RSS is within 32 MB of
#     where it was after a short warm-up.
#
#   scripts/soak.sh [--binary PATH] [--seconds N] [--seed S]
#
# Uses the release build when there is one (scripts/release-build.sh --product routertop), else the
# debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=.build/release/routertop
[ -x "$binary" ] || binary=.build/debug/routertop
exec python3 - "$binary" "$@" <<'PYTHON'
import http.client
import os
import shutil
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

args = sys.argv[1:]
binary = args.pop(0)
seconds, seed = 60.0, 1
while args:
    flag = args.pop(0)
    if flag == "--binary": binary = args.pop(0)
    elif flag == "--seconds": seconds = float(args.pop(0))
    elif flag == "--seed": seed = int(args.pop(0))
    else: sys.exit(f"soak: unknown argument {flag}")
if not os.access(binary, os.X_OK):
    sys.exit(f"soak: {binary} is not built (swift build --product routertop)")
rng = random.Random(seed)
REPLICAS, MAX_ONGOING, SERVICE_MS, JITTER_MS = 4, 4, 80, 40
# Capacity per replica: MAX_ONGOING / mean service time; 80 % of the fleet's.
capacity = REPLICAS * MAX_ONGOING / ((SERVICE_MS + JITTER_MS / 2) / 1000)
rate = 0.8 * capacity
folder = tempfile.mkdtemp(prefix="routertop-soak-")
started_at = time.monotonic()

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def wait_port(port, deadline=15):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"soak: nothing listens on {port}")

ports = [free_port() for _ in range(REPLICAS)]
replicas = {}
lock = threading.Lock()
faulted = set()   # replicas dead, unavailable or slow right now

def start_replica(index):
    replicas[index] = subprocess.Popen(
        [binary, "replica", "--listen", f"127.0.0.1:{ports[index]}", "--max-ongoing", str(MAX_ONGOING),
         "--service-ms", str(SERVICE_MS), "--jitter-ms", str(JITTER_MS)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(ports[index])

def fault(index, name, query=""):
    try:
        c = http.client.HTTPConnection("127.0.0.1", ports[index], timeout=2)
        c.request("POST", f"/-/fault/{name}{query}")
        c.getresponse().read()
        c.close()
    except OSError:
        pass

for i in range(REPLICAS):
    start_replica(i)
router_port = free_port()
replica_ports = set(ports)
log = os.path.join(folder, "router.log")
control = os.path.join(folder, "router.sock")
router = subprocess.Popen(
    [binary, "--listen", f"127.0.0.1:{router_port}", "--headless", "--log-file", log, "--control", control]
    + sum((["--replica", f"http://127.0.0.1:{p}"] for p in ports), []),
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wait_port(router_port)

def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))

def socket_ports():
    """inode -> (local port, remote port) for every TCP socket on the machine."""
    table = {}
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(name).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            table[inode] = (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16))
    return table

def fd_kinds(pid):
    """The router's descriptors by kind: client connections, upstream connections, and the rest."""
    ports = socket_ports()
    kinds = {"clients": 0, "upstream": 0, "other": 0}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        match = re.match(r"socket:\[(\d+)\]", target)
        local, remote = ports.get(match.group(1), (0, 0)) if match else (0, 0)
        if local == router_port and remote != 0:
            kinds["clients"] += 1
        elif remote in replica_ports:
            kinds["upstream"] += 1
        else:
            kinds["other"] += 1
    return kinds

tally = {"get_ok": 0, "post_ok": 0, "abandoned": 0, "slow_ok": 0}
statuses = {}
failures = []   # (method, status or error)
stop = threading.Event()

def count(key, n=1):
    with lock:
        tally[key] = tally.get(key, 0) + n

def client(worker_rate, worker_seed):
    r = random.Random(worker_seed)
    connection = None
    next_at = time.monotonic()
    while not stop.is_set():
        next_at += r.expovariate(worker_rate)
        pause = next_at - time.monotonic()
        if pause > 0: time.sleep(pause)
        method = "POST" if r.random() < 0.1 else "GET"
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", router_port, timeout=90)
            body = b"x" * r.randint(0, 2048) if method == "POST" else None
            connection.request(method, f"/job/{r.randrange(10**6)}", body=body)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status == 200:
                count("get_ok" if method == "GET" else "post_ok")
            else:
                with lock: failures.append((method, response.status))
            if response.getheader("connection", "").lower() == "close":
                connection.close(); connection = None
        except (OSError, http.client.HTTPException) as error:
            with lock: failures.append((method, type(error).__name__))
            if connection: connection.close()
            connection = None
    if connection: connection.close()

def awkward_client(worker_seed):
    """Slow writers (a request a few bytes at a time) and clients that leave before the answer."""
    r = random.Random(worker_seed)
    while not stop.is_set():
        time.sleep(r.uniform(0.05, 0.3))
        s = socket.create_connection(("127.0.0.1", router_port), timeout=90)
        request = f"GET /awkward/{r.randrange(10**6)} HTTP/1.1\r\nHost: soak\r\n\r\n".encode()
        try:
            if r.random() < 0.5:
                for i in range(0, len(request), 7):
                    s.sendall(request[i:i + 7]); time.sleep(0.02)
                answer = b""
                while b"\r\n\r\n" not in answer or len(answer) < answer.index(b"\r\n\r\n") + 4 + int(
                        re.search(rb"(?i)content-length: *(\d+)", answer).group(1)):
                    chunk = s.recv(4096)
                    if not chunk: break
                    answer += chunk
                if answer.startswith(b"HTTP/1.1 200"): count("slow_ok")
                else:
                    with lock: failures.append(("GET", answer[:40]))
            else:
                s.sendall(request)
                count("abandoned")
        finally:
            s.close()

def chaos():
    r = random.Random(seed + 1)
    while not stop.is_set():
        time.sleep(r.uniform(1.0, 3.0))
        index = r.randrange(REPLICAS)
        with lock:
            if index in faulted:
                action = "heal"
            elif len(faulted) >= REPLICAS - 2:
                continue   # at least two replicas stay healthy
            else:
                action = r.choice(["kill", "unavailable", "slow", "crash"])
                faulted.add(index)
        if action == "heal":
            if replicas[index].poll() is not None:
                start_replica(index)
            else:
                fault(index, "recover")
            with lock: faulted.discard(index)
        elif action == "kill":
            replicas[index].send_signal(signal.SIGKILL); replicas[index].wait()
        elif action == "crash":
            fault(index, "crash"); replicas[index].wait()
        elif action == "unavailable":
            fault(index, "unavailable")
        else:
            fault(index, "slow-probe", "?ms=300")
        with lock: chaos_log.append(action)

class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over the router's control socket."""
    def __init__(self, path, timeout=10):
        super().__init__("router", timeout=timeout)
        self.path = path
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)

control_tally = {"streams": 0, "stream_lines": 0, "puts_ok": 0, "attaches": 0}
control_failures = []

def snapshot_streams(worker_seed):
    """Opens a snapshot stream, reads it for a few seconds, drops it, again."""
    r = random.Random(worker_seed)
    while not stop.is_set():
        try:
            c = UnixHTTPConnection(control)
            c.request("GET", "/v1/snapshots?interval_ms=200")
            response = c.getresponse()
            if response.status != 200:
                with lock: control_failures.append(("stream", response.status))
            count_control("streams")
            until = time.monotonic() + r.uniform(1, 4)
            while time.monotonic() < until and not stop.is_set():
                if not response.fp.readline(): break
                count_control("stream_lines")
            c.close()
        except (OSError, http.client.HTTPException) as error:
            with lock: control_failures.append(("stream", type(error).__name__))
            time.sleep(0.2)

def settings_puts(worker_seed):
    """Changes the backoff multiplier back and forth, as an operator tuning it would."""
    r = random.Random(worker_seed)
    value = 2
    while not stop.is_set():
        time.sleep(r.uniform(0.3, 1.0))
        value = 3 if value == 2 else 2
        try:
            c = UnixHTTPConnection(control)
            c.request("PUT", "/v1/settings", body=f'{{"backoff_multiplier": {value}}}'.encode(),
                      headers={"Content-Type": "application/json"})
            response = c.getresponse(); response.read(); c.close()
            if response.status == 200: count_control("puts_ok")
            else:
                with lock: control_failures.append(("put", response.status))
        except (OSError, http.client.HTTPException) as error:
            with lock: control_failures.append(("put", type(error).__name__))

tmux = shutil.which("tmux")
tmux_socket = os.path.join(folder, "tmux")

def attaches(worker_seed):
    """Starts `routertop attach` in a terminal, lets it draw a few seconds, closes it."""
    r = random.Random(worker_seed)
    while not stop.is_set():
        subprocess.run([tmux, "-S", tmux_socket, "new-session", "-d", "-s", "attach", "-x", "120", "-y", "40",
                        f"env LANG=C.UTF-8 TERM=screen-256color {binary} attach {control}"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        count_control("attaches")
        stop.wait(r.uniform(1.5, 4))
        subprocess.run([tmux, "-S", tmux_socket, "kill-server"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stop.wait(0.5)

def count_control(key, n=1):
    with lock:
        control_tally[key] += n

chaos_log = []
time.sleep(0.5)
cold_rss, cold_fds, cold_kinds = rss_kb(router.pid), fds(router.pid), fd_kinds(router.pid)
workers = 32
threads = [threading.Thread(target=client, args=(rate / workers, seed * 100 + i)) for i in range(workers)]
threads += [threading.Thread(target=awkward_client, args=(seed * 1000 + i,)) for i in range(4)]
threads += [threading.Thread(target=snapshot_streams, args=(seed * 2000 + i,)) for i in range(2)]
threads += [threading.Thread(target=settings_puts, args=(seed * 3000,))]
if tmux: threads += [threading.Thread(target=attaches, args=(seed * 4000,))]
for t in threads: t.start()
# The figures to come back to are taken after a few seconds of load without faults: by then the
# router holds its pooled connections to the replicas and its buffers have grown to their size.
time.sleep(3)
start_rss, start_fds = rss_kb(router.pid), fds(router.pid)
chaos_thread = threading.Thread(target=chaos)
chaos_thread.start()
peak_rss = peak_fds = 0
load_started = time.monotonic()
end = load_started + seconds
timeline = []
while time.monotonic() < end:
    time.sleep(1)
    peak_rss, peak_fds = max(peak_rss, rss_kb(router.pid)), max(peak_fds, fds(router.pid))
    elapsed_s = round(time.monotonic() - load_started)
    if elapsed_s // 5 > len(timeline):
        timeline.append((elapsed_s, rss_kb(router.pid), fds(router.pid)))
        print(f"  t={elapsed_s:3d} s  router RSS {timeline[-1][1] / 1024:6.1f} MB  descriptors {timeline[-1][2]}", flush=True)
stop.set()
chaos_thread.join()
for index in range(REPLICAS):
    if replicas[index].poll() is not None: start_replica(index)
    else: fault(index, "recover")
for t in threads: t.join()
# The router closes connections its clients left; give it a moment to see them all.
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    kinds = fd_kinds(router.pid)
    # Control connections are Unix sockets ("other"): their streams end at the next snapshot sent.
    if kinds["clients"] == 0 and kinds["other"] <= cold_kinds["other"] + 2: break
    time.sleep(0.1)
end_rss, end_fds, end_kinds = rss_kb(router.pid), fds(router.pid), fd_kinds(router.pid)
router.send_signal(signal.SIGTERM)
router_status = router.wait(timeout=60)
for process in replicas.values():
    process.send_signal(signal.SIGTERM)
    try: process.wait(timeout=10)
    except subprocess.TimeoutExpired: process.kill()

summary = open(log).read()
match = re.search(r"stopped: admitted=(\d+) completed=(\d+) failed=\[([^\]]*)\] pending=(\d+) running=(\d+) "
                  r"conserved=(\w+) client_answers=(\d+)", summary)
if not match:
    sys.exit(f"soak: no exit summary in the router's log ({log})")
admitted, completed = int(match.group(1)), int(match.group(2))
failed = {k: int(v) for k, v in (item.split("=") for item in match.group(3).split())}
answered = int(match.group(7))
sent = tally["get_ok"] + tally["post_ok"] + tally["slow_ok"] + tally["abandoned"] + len(failures)
ok = tally["get_ok"] + tally["post_ok"] + tally["slow_ok"]
get_failures = [f for f in failures if f[0] == "GET"]
elapsed = time.monotonic() - started_at
print(f"soak: {elapsed:.0f} s, {seconds:.0f} s of load at {rate:.0f} req/s offered "
      f"(80 % of {capacity:.0f}), binary {binary}")
print(f"  achieved {sent / (seconds + 3):.0f} req/s from the clients over the load phase")
print(f"  chaos: " + ", ".join(f"{a} {chaos_log.count(a)}" for a in sorted(set(chaos_log))))
print(f"  clients: sent {sent}, answered 200 {ok} (GET {tally['get_ok']}, POST {tally['post_ok']}, "
      f"slow {tally['slow_ok']}), left early {tally['abandoned']}, failed {len(failures)} "
      f"(GET {len(get_failures)}) {sorted(set(map(str, failures)))[:6]}")
print(f"  router: admitted {admitted}, completed {completed}, failed {failed}, answered {answered}, "
      f"conserved {match.group(6)}, exit {router_status}")
print(f"  router RSS: idle {cold_rss / 1024:.1f} MB, after warm-up {start_rss / 1024:.1f} MB, peak {peak_rss / 1024:.1f} MB, "
      f"end {end_rss / 1024:.1f} MB")
print(f"  control API: {control_tally['streams']} snapshot streams ({control_tally['stream_lines']} snapshots read), "
      f"{control_tally['puts_ok']} settings PUTs answered 200, {control_tally['attaches']} attach sessions"
      + ("" if tmux else " (no tmux: attach not run)") + f", failed {len(control_failures)} {sorted(set(map(str, control_failures)))[:6]}")
print(f"  router descriptors: idle {cold_fds}, after warm-up {start_fds}, peak {peak_fds}, end {end_fds} "
      f"(end: {end_kinds['clients']} client connections, {end_kinds['upstream']} pooled upstream, "
      f"{end_kinds['other']} other; idle: {cold_kinds['other']} other)")
problems = []
if admitted != sent: problems.append(f"router admitted {admitted}, clients sent {sent}")
if answered != ok or completed != ok:
    problems.append(f"clients got {ok} answers, router completed {completed} and counted {answered} answered")
if failed.get("cancelled", 0) != tally["abandoned"]:
    problems.append(f"{tally['abandoned']} clients left early, router counted {failed.get('cancelled', 0)} cancelled")
if get_failures: problems.append(f"{len(get_failures)} GETs failed while healthy replicas remained")
if match.group(6) != "true": problems.append("the router's counters are not conserved")
# Bounds: no client connection left, descriptors other than sockets to the replicas back to their
# idle count (2 to spare), pooled upstream connections at most two per request slot (sends the
# replica refused and probes use the pool too), and RSS within 32 MB of the warmed-up figure.
if end_kinds["clients"]: problems.append(f"{end_kinds['clients']} client connections still open")
if end_kinds["other"] > cold_kinds["other"] + 2:
    problems.append(f"descriptors other than upstream connections: {cold_kinds['other']} -> {end_kinds['other']}")
if end_kinds["upstream"] > 2 * REPLICAS * MAX_ONGOING:
    problems.append(f"{end_kinds['upstream']} pooled upstream connections, above {2 * REPLICAS * MAX_ONGOING}")
if end_rss > start_rss + 32 * 1024: problems.append(f"RSS grew by {(end_rss - start_rss) / 1024:.0f} MB")
if router_status != 0: problems.append(f"router exited {router_status}")
if control_failures: problems.append(f"{len(control_failures)} control API requests failed")
if control_tally["puts_ok"] == 0 or control_tally["stream_lines"] == 0:
    problems.append("the control API clients got nothing through")
for problem in problems: print("  FAIL " + problem)
print("  " + ("PASS" if not problems else "FAILED"))
sys.exit(1 if problems else 0)
PYTHON
