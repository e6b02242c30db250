#!/usr/bin/env python3
"""How well a what-if replay predicts real traffic.

Three `routertop replica` with jitter behind a headless router; open-loop Poisson load near their
capacity, with one replica unavailable for 3 s in the middle. The first run (default settings) is
recorded; its recording is replayed under other settings (`simulate --replay`), then each of those
settings is applied to a fresh router and the same load (same arrival times) is run again.
Prints predicted and observed fulfilment p50/p99, failed attempts and backoff sleeps.

Usage: scripts/whatif-accuracy.py [--binary .build/debug/routertop] [--seconds 20] [--rate 200] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Optional

# name, initial backoff (s), multiplier, max backoff (s); the first is the recorded run.
SETTINGS = [
    ("default", 0.025, 2.0, 0.5),
    ("slow", 0.1, 3.0, 1.0),
    ("no wait", 0.0, 1.0, 0.01),
    ("short", 0.005, 2.0, 0.05),
]
REPLICAS = 3
MAX_ONGOING = 4
SERVICE_MS = 40
JITTER_MS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=30)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(self.socket_path)


def control(sock: str, method: str, path: str, body: Optional[dict[str, Any]] = None) -> tuple[int, Any]:
    connection = UnixHTTPConnection(sock)
    connection.request(method, path, body=json.dumps(body).encode() if body is not None else None)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data) if data else None


def post(port: int, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("POST", path)
    connection.getresponse().read()
    connection.close()


def eventually(check, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"not true within {seconds} s")


class Bench:
    """Replicas and routers in a private directory; every process it starts is stopped at the end."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary
        self.directory = Path(tempfile.mkdtemp(prefix="routertop-whatif-"))
        (self.directory / "run").mkdir(mode=0o700)
        self.environment = {**os.environ, "XDG_RUNTIME_DIR": str(self.directory / "run"),
                            "XDG_STATE_HOME": str(self.directory / "state")}
        self.processes: list[subprocess.Popen[bytes]] = []
        self.replica_ports = [free_port() for _ in range(REPLICAS)]

    def start(self, *arguments: str) -> subprocess.Popen[bytes]:
        # The child has its own copy of the descriptor: the parent's is closed at once.
        with open(self.directory / f"process-{len(self.processes)}.log", "wb") as log:
            process = subprocess.Popen([str(self.binary), *arguments], env=self.environment, stdout=log, stderr=log)
        self.processes.append(process)
        return process

    def start_replicas(self) -> None:
        for port in self.replica_ports:
            self.start("replica", "--listen", f"127.0.0.1:{port}", "--max-ongoing", str(MAX_ONGOING),
                       "--service-ms", str(SERVICE_MS), "--jitter-ms", str(JITTER_MS))
        for port in self.replica_ports:
            eventually(lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close() or True)

    def start_router(self, name: str, initial: float, multiplier: float, maximum: float) -> tuple[int, str]:
        port = free_port()
        replicas = [argument for p in self.replica_ports for argument in ("--replica", f"http://127.0.0.1:{p}")]
        self.start("--headless", "--listen", f"127.0.0.1:{port}", "--name", name, *replicas,
                   "--initial-backoff-s", str(initial), "--backoff-multiplier", str(multiplier),
                   "--max-backoff-s", str(maximum), "--log-file", str(self.directory / f"{name}.log"))
        sock = str(self.directory / "run" / "routertop" / f"{name}.sock")
        eventually(lambda: os.path.exists(sock) and control(sock, "GET", "/v1/settings")[0] == 200)
        return port, sock

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def offer_load(port: int, replica_port: int, seconds: float, rate: float, seed: int) -> int:
    """Open-loop Poisson arrivals (the same times for the same seed): each request is sent at its
    time whatever the ones before are doing, on its own connection, however many are waiting (a
    pool of client threads would hold arrivals back once the router fell behind, and cap the
    fulfilment it observes). replica_port is unavailable from the middle of the run for 3 s.
    Returns how many requests were sent."""
    arrivals: list[float] = []
    generator = random.Random(seed)
    at = generator.expovariate(rate)
    while at < seconds:
        arrivals.append(at)
        at += generator.expovariate(rate)
    middle = seconds / 2 - 1.5

    async def one(index: int) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return
        try:
            writer.write(f"GET /job/{index} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n".encode())
            await writer.drain()
            await asyncio.wait_for(reader.read(), timeout=60)
        except (OSError, asyncio.TimeoutError):
            pass
        finally:
            writer.close()

    async def offer() -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        requests = []
        for index, arrival in enumerate(arrivals):
            delay = start + arrival - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            requests.append(asyncio.create_task(one(index)))
        await asyncio.gather(*requests)

    def fault() -> None:
        time.sleep(middle)
        post(replica_port, "/-/fault/unavailable")
        time.sleep(3)
        post(replica_port, "/-/fault/recover")

    faulting = threading.Thread(target=fault)
    faulting.start()
    asyncio.run(offer())
    faulting.join()
    return len(arrivals)


def predicted(binary: Path, recording: Path, settings: Optional[tuple[float, float, float]]) -> dict[str, Any]:
    flags: list[str] = []
    if settings:
        flags = ["--initial-backoff-s", str(settings[0]), "--backoff-multiplier", str(settings[1]),
                 "--max-backoff-s", str(settings[2])]
    output = subprocess.run([str(binary), "simulate", "--replay", str(recording), *flags, "--json"],
                            check=True, capture_output=True, text=True).stdout
    report = json.loads(output)
    return {"p50": report["fulfillment_ms"]["p50"], "p99": report["fulfillment_ms"]["p99"],
            "failed_attempts": report["retries"]["failed_attempts"], "sleeps": report["retries"]["backoff_sleeps"]}


def observed(recording: dict[str, Any]) -> dict[str, Any]:
    seen = recording["observed"]
    return {"p50": seen.get("fulfillment_p50_ms", 0.0), "p99": seen.get("fulfillment_p99_ms", 0.0),
            "failed_attempts": seen["failed_attempts"], "sleeps": seen["backoff_sleeps"]}


def measure(binary: Path, seconds: float, rate: float, settings=SETTINGS, seed: int = 23) -> list[dict[str, Any]]:
    """Runs the recorded run and one run per other settings; returns one row per settings."""
    bench = Bench(binary)
    rows: list[dict[str, Any]] = []
    try:
        bench.start_replicas()
        recorded_file = bench.directory / "recorded.json"
        for index, (name, initial, multiplier, maximum) in enumerate(settings):
            port, sock = bench.start_router(f"run{index}", initial, multiplier, maximum)
            sent = offer_load(port, bench.replica_ports[1], seconds, rate, seed)
            eventually(lambda: control(sock, "GET", "/v1/snapshot")[1]["totals"]["pending"] == 0, 30)
            time.sleep(0.5)
            status, recording = control(sock, "GET", "/v1/recording")
            assert status == 200, recording
            control(sock, "POST", "/v1/stop")
            if index == 0:
                recorded_file.write_text(json.dumps(recording))
            prediction = predicted(binary, recorded_file, None if index == 0 else (initial, multiplier, maximum))
            rows.append({"settings": name, "initial_backoff_s": initial, "backoff_multiplier": multiplier,
                         "max_backoff_s": maximum, "requests": sent, "predicted": prediction,
                         "observed": observed(recording)})
    finally:
        bench.stop()
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| settings (initial / multiplier / max) | p50 ms pred / obs | p99 ms pred / obs | failed attempts pred / obs | sleeps pred / obs |",
             "|---|---|---|---|---|"]
    for row in rows:
        p, o = row["predicted"], row["observed"]
        label = f"{row['settings']} ({row['initial_backoff_s']} / {row['backoff_multiplier']} / {row['max_backoff_s']})"
        if row is rows[0]:
            label += ", recorded run replayed"
        lines.append(f"| {label} | {p['p50']:.1f} / {o['p50']:.1f} | {p['p99']:.1f} / {o['p99']:.1f} | "
                     f"{p['failed_attempts']} / {o['failed_attempts']} | {p['sleeps']} / {o['sleeps']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(Path(__file__).resolve().parents[1] / ".build" / "debug" / "routertop"))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    started = time.time()
    load_before = os.getloadavg()
    rows = measure(Path(arguments.binary), arguments.seconds, arguments.rate)
    if arguments.json:
        print(json.dumps(rows, indent=2))
    print(table(rows))
    print(f"\n{arguments.seconds:g} s at {arguments.rate:g} req/s per run; load average before "
          f"{load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}; took {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
