"""`GET /metrics`: the snapshot's figures in Prometheus text format, under routertop's metric names."""

import threading
from typing import Any, Dict, Iterable, List, Mapping, Tuple

# Ray Serve's default latency buckets (ms), and routertop's buckets for waits (s).
LATENCY_BUCKETS_MS = (1, 2, 5, 10, 20, 50, 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 60000, 120000, 300000,
                      600000)
SECONDS_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# The Swift ReplicaState's states in its order (the schema's enum), so both routers export the same series.
REPLICA_STATES = ("healthy", "unavailable", "dead", "draining", "probing")


class Histogram:
    """Cumulative bucket counts, a sum and a count."""

    def __init__(self, buckets: Tuple[float, ...]) -> None:
        self.buckets = buckets
        self.counts = [0] * len(buckets)
        self.total = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        for index, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[index] += 1
        self.total += value
        self.count += 1


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _labels(pairs: Iterable[Tuple[str, str]]) -> str:
    escaped = [f'{name}="{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
               for name, value in pairs]
    return "{" + ",".join(escaped) + "}" if escaped else ""


class RouterMetrics:
    """Holds the distributions between scrapes; everything else comes from the snapshot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fulfilment = Histogram(LATENCY_BUCKETS_MS)
        self._waits = Histogram(SECONDS_BUCKETS)

    def observe(self, fulfilment_s: List[float], waits_s: List[float]) -> None:
        with self._lock:
            for value in fulfilment_s:
                self._fulfilment.observe(value * 1000)
            for value in waits_s:
                self._waits.observe(value)

    def exposition(self, snapshot: Mapping[str, Any], settings_changes: int) -> str:
        lines: List[str] = []

        def metric(name: str, kind: str, help_text: str, samples: Iterable[Tuple[Iterable[Tuple[str, str]], float]]):
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} {kind}")
            for labels, value in samples:
                lines.append(f"{name}{_labels(labels)} {_number(value)}")

        def histogram(name: str, help_text: str, data: Histogram) -> None:
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} histogram")
            for bound, count in zip(data.buckets, data.counts):
                lines.append(f'{name}_bucket{{le="{_number(bound)}"}} {count}')
            lines.append(f'{name}_bucket{{le="+Inf"}} {data.count}')
            lines.append(f"{name}_sum {_number(data.total)}")
            lines.append(f"{name}_count {data.count}")

        totals = snapshot.get("totals", {})
        retries = snapshot.get("retries", {})
        ray = snapshot.get("ray", {})
        replicas = snapshot.get("replicas", [])
        routed = sum(bucket["requests"] for bucket in snapshot.get("attempts_histogram", []))
        failed: Dict[str, int] = totals.get("failed", {})
        metric("serve_num_scheduling_tasks", "gauge", "The number of request scheduling tasks in the router.",
               [((), snapshot.get("routing_tasks", 0))])
        metric("serve_num_scheduling_tasks_in_backoff", "gauge",
               "The number of request scheduling tasks in the router that are undergoing backoff.",
               [((), snapshot.get("tasks_in_backoff", 0))])
        metric("serve_request_router_queue_len", "gauge",
               "The number of requests on a replica as tracked by the router's queue length cache.",
               [((("replica", r["id"]),), r["queue_length"]) for r in replicas if r["state"] != "dead"])
        metric("routertop_requests_total", "counter", "Requests that ended, by outcome.",
               [((("outcome", "completed"),), totals.get("completed", 0)),
                ((("outcome", "failed"),), sum(failed.values()))])
        metric("routertop_failed_requests_total", "counter", "Failed requests, by reason.",
               [((("reason", reason),), count) for reason, count in sorted(failed.items())])
        metric("routertop_routing_attempts_total", "counter",
               "Routing attempts: those that found a replica and those that found none.",
               [((), retries.get("failed_attempts", 0) + routed)])
        metric("routertop_backoff_sleeps_total", "counter",
               "Backoff sleeps taken by routing tasks (immediate first retries are not sleeps).",
               [((), retries.get("backoff_sleeps", 0))])
        metric("routertop_settings_changes_total", "counter", "Changes and undos of the live settings.",
               [((), settings_changes)])
        metric("routertop_setting", "gauge", "The live router settings, by scenario-file key.",
               [((("name", key),), value) for key, value in snapshot.get("settings", {}).items()])
        metric("routertop_replica_in_flight", "gauge",
               "Requests the router sent to a replica and that have not finished.",
               [((("replica", r["id"]),), r["in_flight"]) for r in replicas if r["state"] != "dead"])
        metric("routertop_replica_state", "gauge", "1 for the state each replica is in, 0 for the others.",
               [((("replica", r["id"]), ("state", state)), 1 if r["state"] == state else 0)
                for r in replicas for state in REPLICA_STATES])
        metric("routertop_probe_timeouts_total", "counter", "Queue-length probes that timed out, by replica.",
               [((("replica", r["id"]),), r["probe_timeouts"]) for r in replicas])
        metric("routertop_ray_pending_requests", "gauge",
               "Requests waiting in the Ray router's queue for a replica.", [((), totals.get("pending", 0))])
        metric("routertop_ray_rejections_total", "counter",
               "Requests a replica refused after the router chose it (Ray's rejection protocol).",
               [((), ray.get("rejections", 0))])
        metric("routertop_ray_hook_errors_total", "counter",
               "Errors the bridge's hooks caught (routing went on untouched), by hook.",
               [((("hook", hook),), count) for hook, count in sorted(ray.get("hook_errors", {}).items())])
        with self._lock:
            histogram("serve_request_router_fulfillment_time_ms",
                      "Time in milliseconds that a request spent waiting in the queue before being assigned to a "
                      "replica.", self._fulfilment)
            histogram("routertop_backoff_wait_seconds",
                      "Backoff waits of routing tasks after failed attempts, in seconds.", self._waits)
        return "\n".join(lines) + "\n"
