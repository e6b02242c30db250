"""Validates real answers of every control API endpoint against api/control-v1.schema.json.

Drives the built routertop binary: a proxy with real replicas (headless), and the simulated fleet in
tmux. Run from the repository's root: `python -m unittest discover -s api/tests` (needs `jsonschema`,
which the Ray virtual environment brings).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request
from pathlib import Path
from typing import Any, Callable, Optional

import jsonschema

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "api" / "control-v1.schema.json").read_text())
BINARY = Path(os.environ.get("ROUTERTOP_BIN", ROOT / ".build" / "debug" / "routertop"))


def validator(definition: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{definition}"})


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP/1.1 over the router's Unix control socket."""

    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=10)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(self.socket_path)


def call(sock: str, method: str, path: str, body: Optional[dict[str, Any]] = None,
         headers: Optional[dict[str, str]] = None) -> tuple[int, Any]:
    connection = UnixHTTPConnection(sock)
    payload = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=payload, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    if response.getheader("content-type", "").startswith("application/json"):
        return response.status, json.loads(data)
    return response.status, data.decode()


def eventually(check: Callable[[], Any], seconds: float = 15) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not true within {seconds} s: {check}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ContractCase(unittest.TestCase):
    """Shared start-up: a private runtime and state directory per test class."""

    processes: list[subprocess.Popen[bytes]]
    logs: list[Any]
    directory: Path

    @classmethod
    def setUpClass(cls) -> None:
        if not BINARY.exists():
            raise unittest.SkipTest(f"build routertop first ({BINARY} is missing)")
        cls.directory = Path(tempfile.mkdtemp(prefix="routertop-contract-"))
        (cls.directory / "run").mkdir(mode=0o700)
        cls.environment = {**os.environ, "XDG_RUNTIME_DIR": str(cls.directory / "run"),
                           "XDG_STATE_HOME": str(cls.directory / "state")}
        cls.processes = []
        cls.logs = []

    @classmethod
    def tearDownClass(cls) -> None:
        for process in cls.processes:
            process.kill()
            process.wait()
        for log in cls.logs:
            log.close()
        shutil.rmtree(cls.directory, ignore_errors=True)

    @classmethod
    def start(cls, *arguments: str) -> subprocess.Popen[bytes]:
        log = open(cls.directory / f"process-{len(cls.processes)}.log", "wb")
        cls.logs.append(log)
        process = subprocess.Popen([str(BINARY), *arguments], env=cls.environment, stdout=log, stderr=log)
        cls.processes.append(process)
        return process

    def assertValid(self, definition: str, value: Any) -> None:
        errors = [f"{error.json_path}: {error.message}" for error in validator(definition).iter_errors(value)]
        self.assertEqual(errors, [], f"{definition} does not follow the schema")


class ProxyContractTests(ContractCase):
    """A headless proxy with real replicas answers every endpoint in the contract's shapes."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        replicas = [free_port(), free_port()]
        cls.start("replica", "--listen", f"127.0.0.1:{replicas[0]}", "--max-ongoing", "1", "--service-ms", "150")
        cls.start("replica", "--listen", f"127.0.0.1:{replicas[1]}", "--max-ongoing", "1", "--service-ms", "150",
                  "--max-models", "2")
        cls.port = free_port()
        cls.start("--headless", "--listen", f"127.0.0.1:{cls.port}", "--name", "contract",
                  "--replica", f"http://127.0.0.1:{replicas[0]}", "--replica", f"http://127.0.0.1:{replicas[1]}",
                  "--log-file", str(cls.directory / "router.log"))
        cls.socket = str(cls.directory / "run" / "routertop" / "contract.sock")
        eventually(lambda: os.path.exists(cls.socket) and call(cls.socket, "GET", "/v1/settings")[0] == 200)

    BATCHES = 4

    def load(self, requests: int, model: Optional[str] = None) -> None:
        """Sends batches of `requests` at once, so tasks back off, until a snapshot polled while a batch
        is in flight shows a task in backoff; validates that snapshot, and every answer is a 200."""
        for _ in range(self.BATCHES):
            statuses: list[int] = []

            def one(index: int) -> None:
                headers = {"serve_multiplexed_model_id": f"{model}{index % 2}"} if model else {}
                request = urllib.request.Request(f"http://127.0.0.1:{self.port}/job/{index}", headers=headers)
                with urllib.request.urlopen(request, timeout=30) as answer:
                    answer.read()
                    statuses.append(answer.status)
            threads = [threading.Thread(target=one, args=(index,)) for index in range(requests)]
            for thread in threads:
                thread.start()
            in_backoff = None
            while in_backoff is None and any(thread.is_alive() for thread in threads):
                snapshot = call(self.socket, "GET", "/v1/snapshot")[1]
                in_backoff = snapshot if snapshot["backoff_timers"] else None
                time.sleep(0.02)
            for thread in threads:
                thread.join()
            self.assertEqual(statuses, [200] * requests)
            # A loaded machine can start the client's threads far enough apart that the two replicas
            # (one request each, 150 ms) keep up and no task waits: then the batch is sent again.
            if in_backoff is not None:
                self.assertValid("snapshot", in_backoff)
                return
        self.fail(f"no task was in backoff during any of {self.BATCHES} batches of {requests} requests")

    def test_snapshot_names_the_router_and_validates(self) -> None:
        self.load(8, model="m")
        status, snapshot = call(self.socket, "GET", "/v1/snapshot")
        self.assertEqual(status, 200)
        self.assertValid("snapshot", snapshot)
        self.assertEqual(snapshot["schema_version"], 1)
        self.assertEqual(snapshot["router"]["kind"], "proxy")
        self.assertEqual(snapshot["router"]["name"], "contract")
        self.assertEqual(snapshot["router"]["listen"], f"127.0.0.1:{self.port}")
        self.assertIn("models", snapshot)
        self.assertTrue(snapshot["time_utc"].endswith("Z"))

    def test_stream_lines_validate(self) -> None:
        connection = UnixHTTPConnection(self.socket)
        connection.request("GET", "/v1/snapshots?interval_ms=50")
        response = connection.getresponse()
        self.assertEqual(response.status, 200)
        for _ in range(2):
            self.assertValid("snapshot", json.loads(response.readline()))
        connection.close()

    def test_summaries_validate_and_carry_only_new_events(self) -> None:
        status, summary = call(self.socket, "GET", "/v1/snapshot?view=summary")
        self.assertEqual(status, 200)
        self.assertValid("snapshot", summary)
        self.assertEqual(summary["view"], "summary")
        self.assertEqual(summary["backoff_timers"], [])
        self.assertEqual(summary["replicas"], [])
        self.assertEqual(len(summary["replica_changes"]), summary["replica_count"])
        self.assertEqual(summary["replica_count"], 2)
        connection = UnixHTTPConnection(self.socket)
        connection.request("GET", "/v1/snapshots?interval_ms=50&view=summary")
        response = connection.getresponse()
        self.assertEqual(response.status, 200)
        first = json.loads(response.readline())
        self.assertValid("snapshot", first)
        self.assertGreater(len(first["events"]), 0)
        second = json.loads(response.readline())
        self.assertValid("snapshot", second)
        self.assertEqual(len(first["replica_changes"]), 2, "the first line carries every replica")
        # Idle replicas' figures stay put: a later line carries no row at all.
        quiet = [json.loads(response.readline())["replica_changes"] for _ in range(20)]
        self.assertIn([], quiet, "a replica whose figures did not change is not sent again")
        seen = {event["sequence"] for event in first["events"]}
        self.assertFalse(seen & {event["sequence"] for event in second["events"]}, "an event is sent once")
        connection.close()
        status, answer = call(self.socket, "GET", "/v1/snapshot?view=tiny")
        self.assertEqual(status, 400)
        self.assertValid("error", answer)

    def test_deltas_validate_start_whole_and_carry_only_changes(self) -> None:
        connection = UnixHTTPConnection(self.socket)
        connection.request("GET", "/v1/snapshots?interval_ms=50&view=delta")
        response = connection.getresponse()
        self.assertEqual(response.status, 200)
        first = json.loads(response.readline())
        self.assertValid("snapshot", first)
        self.assertNotIn("view", first, "the first line is the whole snapshot")
        self.assertEqual(len(first["replicas"]), 2)
        lines = [json.loads(response.readline()) for _ in range(20)]
        connection.close()
        for line in lines:
            self.assertValid("snapshot", line)
            self.assertEqual((line["view"], line["replica_count"]), ("delta", 2))
        # Idle replicas' rows stay put (their cache entries only age): a later line carries no row at all.
        self.assertIn([], [line["replicas"] for line in lines], "a replica whose row did not change is not sent again")
        seen = [event["sequence"] for line in lines for event in line["events"]]
        self.assertEqual(len(seen), len(set(seen)), "an event is sent once")
        self.assertTrue(all(sequence > first["events"][-1]["sequence"] for sequence in seen))
        status, answer = call(self.socket, "GET", "/v1/snapshot?view=delta")
        self.assertEqual(status, 400)
        self.assertValid("error", answer)

    def test_rollout_parts_are_journaled_with_their_mark(self) -> None:
        headers = {"x-routertop-rollout": "r-contract-1", "x-routertop-rollout-targets": "contract,other"}
        status, answer = call(self.socket, "PUT", "/v1/settings", {"cache_timeout_s": 9}, headers=headers)
        self.assertEqual(status, 200, answer)
        status, journal = call(self.socket, "GET", "/v1/journal")
        self.assertValid("journal_reply", journal)
        part = journal["entries"][-1]
        self.assertEqual(part["rollout"], {"rollout_id": "r-contract-1", "targets": ["contract", "other"]})
        status, answer = call(self.socket, "PUT", "/v1/settings", {"cache_timeout_s": 10},
                              headers={"x-routertop-rollout": "not an id"})
        self.assertEqual(status, 400)
        self.assertValid("error", answer)
        call(self.socket, "PUT", "/v1/settings", {"cache_timeout_s": 10})

    def test_settings_commands_journal_and_errors_validate(self) -> None:
        status, settings = call(self.socket, "GET", "/v1/settings")
        self.assertEqual(status, 200)
        self.assertValid("settings", settings)
        patch = {"initial_backoff_s": 0.05}
        self.assertValid("settings_patch", patch)
        status, answer = call(self.socket, "PUT", "/v1/settings", patch)
        self.assertEqual((status, answer["result"]), (200, "done"))
        self.assertValid("command_result", answer)
        status, answer = call(self.socket, "PUT", "/v1/settings", {"max_backoff_s": 0.01})
        self.assertEqual(status, 400, "below the initial backoff")
        self.assertValid("error", answer)
        self.assertIn("initial backoff", answer["error"])
        status, answer = call(self.socket, "PUT", "/v1/settings", {"initial_backoff": 1})
        self.assertEqual(status, 400)
        self.assertValid("error", answer)
        status, answer = call(self.socket, "PUT", "/v1/settings?confirm_within_s=60", {"backoff_multiplier": 3})
        self.assertEqual(status, 200)
        status, snapshot = call(self.socket, "GET", "/v1/snapshot")
        self.assertValid("snapshot", snapshot)
        self.assertIn("trial", snapshot)
        self.assertValid("command_result", call(self.socket, "POST", "/v1/settings/confirm")[1])
        self.assertValid("command_result", call(self.socket, "POST", "/v1/settings/undo")[1])
        status, journal = call(self.socket, "GET", "/v1/journal")
        self.assertEqual(status, 200)
        self.assertValid("journal_reply", journal)
        self.assertGreaterEqual(len(journal["entries"]), 3)
        applied = next(e for e in journal["entries"] if e["result"] == "applied" and e["what"] == "settings")
        status, answer = call(self.socket, "POST", f"/v1/journal/{applied['sequence']}/revert")
        self.assertEqual(status, 200, answer)
        self.assertValid("command_result", answer)
        status, events = call(self.socket, "GET", "/v1/events?after=0")
        self.assertEqual(status, 200)
        self.assertValid("events_reply", events)
        self.assertTrue(any("change" in event for event in events["events"]), "settings changes are typed events")
        self.assertValid("error", call(self.socket, "GET", "/v1/nothing")[1])
        self.assertValid("error", call(self.socket, "GET", "/v1/trace/not-an-id")[1])

    def test_traces_validate(self) -> None:
        self.load(6)
        status, log = call(self.socket, "GET", "/v1/traces?last=5")
        self.assertEqual(status, 200)
        self.assertValid("trace_log", log)
        self.assertEqual(len(log["traces"]), 5)
        request_id = log["traces"][-1]["request_id"]
        status, trace = call(self.socket, "GET", f"/v1/trace/{request_id}")
        self.assertEqual(status, 200)
        self.assertValid("trace", trace)
        self.assertEqual(trace["request_id"], request_id)
        # The schema leaves the queue figures out where a router cannot see its queue (the Ray
        # bridge); routertop's own router always writes them, at admission and on every attempt.
        for kept in log["traces"]:
            self.assertIsInstance(kept["queue_ahead"], int)
            self.assertGreaterEqual(kept["task_cap"], 1)
            for attempt in kept["attempts"]:
                self.assertIsInstance(attempt["queue_ahead"], int)
                self.assertGreaterEqual(attempt["task_cap"], 1)

    def test_replica_commands_validate(self) -> None:
        extra = free_port()
        self.start("replica", "--listen", f"127.0.0.1:{extra}")
        status, answer = call(self.socket, "POST", "/v1/replicas", {"url": f"http://127.0.0.1:{extra}"})
        self.assertEqual(status, 200, answer)
        self.assertValid("command_result", answer)
        replica = f"127.0.0.1:{extra}"
        eventually(lambda: any(r["id"] == replica for r in call(self.socket, "GET", "/v1/snapshot")[1]["replicas"]))
        for method, path in [("POST", f"/v1/replicas/{replica}/drain"), ("POST", f"/v1/replicas/{replica}/undrain"),
                             ("DELETE", f"/v1/replicas/{replica}")]:
            status, answer = call(self.socket, method, path)
            self.assertEqual(status, 200, f"{method} {path}: {answer}")
            self.assertValid("command_result", answer)
        status, answer = call(self.socket, "POST", "/v1/load", {"requests_per_second": 5})
        self.assertEqual(status, 409, "the load is the simulated fleet's")
        self.assertValid("command_result", answer)

    def test_recording_whatif_and_suggest_validate(self) -> None:
        self.load(8)
        status, recording = call(self.socket, "GET", "/v1/recording")
        self.assertEqual(status, 200, recording)
        self.assertValid("recording", recording)
        self.assertGreaterEqual(len(recording["arrivals"]["at_ms"]), 8)
        self.assertEqual(recording["window_s"], 60)
        self.assertGreater(sum(len(r["sends"]["at_ms"]) for r in recording["replicas"]), 0)
        patch = {"initial_backoff_s": 0.2, "max_backoff_s": 1}
        self.assertValid("settings_patch", patch)
        status, answer = call(self.socket, "POST", "/v1/whatif", patch)
        self.assertEqual(status, 200, answer)
        self.assertValid("whatif_reply", answer)
        self.assertEqual(answer["edited_settings"]["initial_backoff_s"], 0.2)
        self.assertEqual(answer["live"]["requests"], len(recording["arrivals"]["at_ms"]))
        status, answer = call(self.socket, "POST", "/v1/whatif", {"max_backoff_s": -1})
        self.assertEqual(status, 400)
        self.assertValid("error", answer)
        bounds = {"initial_backoff_s_max": 0.1, "max_backoff_s_max": 0.5}
        self.assertValid("suggest_bounds", bounds)
        status, answer = call(self.socket, "POST", "/v1/suggest", bounds)
        self.assertEqual(status, 200, answer)
        self.assertValid("suggest_reply", answer)
        self.assertLess(answer["elapsed_ms"], 10_000)
        self.assertTrue(all(s["settings"]["initial_backoff_s"] <= 0.1 for s in answer["suggestions"]))
        status, answer = call(self.socket, "POST", "/v1/suggest", {"backoff_multiplier_min": 3, "backoff_multiplier_max": 2})
        self.assertEqual(status, 400)
        self.assertValid("error", answer)
        self.assertIn("backoff_multiplier_min", answer["error"])

    def test_metrics_are_text(self) -> None:
        status, text = call(self.socket, "GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertIn("routertop_", text)


class SimulatedContractTests(ContractCase):
    """The simulated fleet (run in tmux, as an operator starts it) answers in the contract's shapes."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        if shutil.which("tmux") is None:
            raise unittest.SkipTest("tmux is missing")
        cls.session = f"contract-{os.getpid()}"
        command = (f"env XDG_RUNTIME_DIR={cls.environment['XDG_RUNTIME_DIR']} "
                   f"XDG_STATE_HOME={cls.environment['XDG_STATE_HOME']} {BINARY} --name sim "
                   f"--log-file {cls.directory / 'sim.log'}")
        subprocess.run(["tmux", "new-session", "-d", "-s", cls.session, "-x", "120", "-y", "40", command], check=True)
        cls.socket = str(cls.directory / "run" / "routertop" / "sim.sock")
        eventually(lambda: os.path.exists(cls.socket) and call(cls.socket, "GET", "/v1/settings")[0] == 200)

    @classmethod
    def tearDownClass(cls) -> None:
        subprocess.run(["tmux", "kill-session", "-t", cls.session], check=False)
        super().tearDownClass()

    def test_simulated_snapshot_and_fault_commands_validate(self) -> None:
        snapshot = eventually(lambda: (lambda s: s if s["totals"]["completed"] > 0 else None)(
            call(self.socket, "GET", "/v1/snapshot")[1]))
        self.assertValid("snapshot", snapshot)
        self.assertEqual(snapshot["router"]["kind"], "simulated")
        self.assertIn("simulation", snapshot)
        replica = snapshot["replicas"][0]["id"]
        for method, path, body in [("POST", f"/v1/replicas/{replica}/fault", {"fault": "slow_probe", "delay_ms": 50}),
                                   ("POST", f"/v1/replicas/{replica}/recover", None),
                                   ("POST", "/v1/load", {"requests_per_second": 50}),
                                   ("POST", "/v1/replicas", {})]:
            status, answer = call(self.socket, method, path, body)
            self.assertEqual(status, 200, f"{method} {path}: {answer}")
            self.assertValid("command_result", answer)
        self.assertValid("snapshot", call(self.socket, "GET", "/v1/snapshot")[1])
        status, recording = call(self.socket, "GET", "/v1/recording")
        self.assertEqual(status, 200, recording)
        self.assertValid("recording", recording)
        self.assertGreater(len(recording["arrivals"]["at_ms"]), 0)


class SimulatedTraceContractTests(ContractCase):
    """`simulate --trace` writes the traces the API serves: a burst behind the task cap gives every
    reason a first attempt waits, and each of those traces follows the schema."""

    BURST = """seed = 3
duration_s = 1

[router]
node = "node-a"
zone = "zone-1"
prefer_local = false

[load]
rate_rps = 400
arrival = "constant"

[[replicas]]
id = "r1"
node = "node-a"
zone = "zone-1"
max_ongoing_requests = 2
service_time_ms = 20
probe_rtt_ms = 1

[[events]]
at_s = 0.5
action = "remove_replica"
replica = "r1"

[[events]]
at_s = 0.6
action = "add_replica"
id = "r2"
node = "node-a"
zone = "zone-1"
max_ongoing_requests = 2
service_time_ms = 20
probe_rtt_ms = 1
"""

    def test_waits_follow_the_schema(self) -> None:
        scenario = self.directory / "burst-small.toml"
        scenario.write_text(self.BURST)
        traces_path = self.directory / "burst-small.jsonl"
        run = subprocess.run([str(BINARY), "simulate", "--scenario", str(scenario), "--trace", str(traces_path)],
                             env=self.environment, capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        traces = [json.loads(line) for line in traces_path.read_text().splitlines()]
        waited = {}
        for trace in traces:
            if "first_wait" in trace:
                waited.setdefault(trace["first_wait"]["reason"], trace)
        self.assertEqual(set(waited), {"queue_ahead", "task_cap", "no_routable_replica"})
        for trace in waited.values():
            self.assertValid("trace", trace)


if __name__ == "__main__":
    unittest.main()
