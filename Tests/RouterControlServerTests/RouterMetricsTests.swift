import Foundation
import Prometheus
import RouterAPI
@testable import RouterControlServer
import RouterEngine
import Testing

@Suite struct RouterMetricsTests {
    /// The value of the sample named exactly `series` (name and labels) in an exposition.
    static func value(_ series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    static func runPromtool(_ text: String) throws -> (status: Int32, output: String) {
        let promtool = "/usr/bin/promtool"
        try #require(FileManager.default.isExecutableFile(atPath: promtool), "promtool is installed by scripts/install-deps.sh")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func snapshot() -> RouterSnapshot {
        var totals = RequestTotals()
        totals.admitted = 20
        totals.completed = 15
        totals.failed = [.shed: 2, .routingTimeout: 1]
        totals.pending = 2
        var retries = RetryTotals()
        retries.failedAttempts = 7
        retries.backoffSleeps = 4
        return RouterSnapshot(
            time: .seconds(3), mode: .simulated, settings: RouterSettings(backoffMultiplier: 3), startupSettings: .defaults,
            legacyBackoff: false, locality: Locality(node: "n", zone: "z"), totals: totals, routingTasks: 2,
            maxRoutingTasks: 8, tasksInBackoff: 1, rateIn: 1, rateOut: 1, fulfillment: LatencySummary(),
            replicas: [
                ReplicaSnapshot(id: "r1", node: "n", zone: "z", state: .healthy, maxOngoingRequests: 5, queueLength: 3,
                                queueSource: .probe, inFlight: 2, routed: 10, completed: 8, rejected: 0, probeTimeouts: 2,
                                retriesAttributed: 0, rate: 1, rateHistory: []),
                ReplicaSnapshot(id: "r2", node: "n", zone: "z", state: .draining, maxOngoingRequests: 5, queueLength: 0,
                                queueSource: .local, inFlight: 0, routed: 7, completed: 7, rejected: 1, probeTimeouts: 0,
                                retriesAttributed: 0, rate: 1, rateHistory: []),
            ],
            backoffTimers: [], attemptsHistogram: [AttemptBucket(attempts: 1, requests: 14), AttemptBucket(attempts: 3, requests: 3)],
            retries: retries,
            events: [RouterEvent(time: .seconds(1), kind: .settings, message: "set", sequence: 4)]
        )
    }

    @Test func theExpositionPassesPromtoolAndMatchesTheSnapshot() throws {
        // Fulfilled after 3 ms, having slept 25 ms and had a probe answered in 2 ms.
        var trace = RequestTrace(request: 1, admittedMs: 10)
        var attempt = TraceAttempt(number: 2, tier: .all, startedMs: 10, task: 1,
                                   candidates: [TraceCandidate(replica: "r1", maxOngoingRequests: 5)])
        attempt.waitMs = 25
        attempt.candidates[0].probe = TraceProbe(deadlineMs: 100)
        attempt.candidates[0].probe?.roundTripMs = 2
        trace.attempts = [attempt]
        trace.sends = [TraceSend(replica: "r1", atMs: 13)]
        let metrics = RouterMetrics()
        metrics.observe(trace)
        let text = String(decoding: metrics.exposition(for: Self.snapshot()), as: UTF8.self)
        let check = try Self.runPromtool(text)
        // promtool parses everything; its one lint finding is Ray's own name, kept so Ray's dashboards work.
        let findings = check.output.split(separator: "\n").filter { !$0.isEmpty }
        let rayName = "serve_request_router_fulfillment_time_ms metric names should not contain abbreviated units"
        #expect(check.status == 0 || (check.status == 3 && findings.allSatisfy { $0 == rayName }), "\(check.output)\n\(text)")
        #expect(Self.value(#"routertop_requests_total{outcome="completed"}"#, in: text) == 15)
        #expect(Self.value(#"routertop_requests_total{outcome="failed"}"#, in: text) == 3)
        #expect(Self.value(#"routertop_failed_requests_total{reason="shed"}"#, in: text) == 2)
        #expect(Self.value(#"routertop_failed_requests_total{reason="cancelled"}"#, in: text) == 0)
        #expect(Self.value("routertop_routing_attempts_total", in: text) == 24, "7 failed attempts and 17 that found a replica")
        #expect(Self.value("routertop_backoff_sleeps_total", in: text) == 4)
        #expect(Self.value("serve_num_scheduling_tasks", in: text) == 2)
        #expect(Self.value("serve_num_scheduling_tasks_in_backoff", in: text) == 1)
        #expect(Self.value(#"serve_request_router_queue_len{replica="r1"}"#, in: text) == 3)
        #expect(Self.value(#"routertop_replica_state{replica="r2",state="draining"}"#, in: text) == 1)
        #expect(Self.value(#"routertop_replica_state{replica="r2",state="healthy"}"#, in: text) == 0)
        #expect(Self.value(#"routertop_replica_in_flight{replica="r1"}"#, in: text) == 2)
        #expect(Self.value(#"routertop_probe_timeouts_total{replica="r1"}"#, in: text) == 2)
        #expect(Self.value(#"routertop_setting{name="backoff_multiplier"}"#, in: text) == 3)
        #expect(Self.value("routertop_settings_changes_total", in: text) == 1)
        #expect(Self.value(#"serve_request_router_fulfillment_time_ms_bucket{le="5.0"}"#, in: text) == 1)
        #expect(Self.value("routertop_backoff_wait_seconds_count", in: text) == 1)
        #expect(Self.value("routertop_probe_duration_seconds_count", in: text) == 1)
    }

    @Test func aTraceFeedsTheDistributions() {
        var trace = RequestTrace(request: 7, admittedMs: 10)
        var first = TraceAttempt(number: 1, tier: .all, startedMs: 10, task: 1, candidates: [])
        first.waitMs = 0
        var second = TraceAttempt(number: 2, tier: .all, startedMs: 10, task: 1, candidates: [TraceCandidate(replica: "r1", maxOngoingRequests: 5)])
        second.candidates[0].probe = TraceProbe(deadlineMs: 100)
        second.candidates[0].probe?.roundTripMs = 4
        second.waitMs = 25
        trace.attempts = [first, second]
        trace.sends = [TraceSend(replica: "r1", atMs: 47)]
        let metrics = RouterMetrics()
        metrics.observe(trace)
        let text = String(decoding: metrics.exposition(for: Self.snapshot()), as: UTF8.self)
        #expect(Self.value(#"serve_request_router_fulfillment_time_ms_bucket{le="50.0"}"#, in: text) == 1)
        #expect(Self.value(#"serve_request_router_fulfillment_time_ms_bucket{le="20.0"}"#, in: text) == 0)
        #expect(Self.value("routertop_backoff_wait_seconds_count", in: text) == 1, "the immediate first retry is not a sleep")
        #expect(Self.value("routertop_backoff_wait_seconds_sum", in: text) == 0.025)
        #expect(Self.value("routertop_probe_duration_seconds_count", in: text) == 1)
    }

    /// The same durations as `Duration`s of whole microseconds, recorded straight into histograms
    /// of the same names and buckets: what a trace's times must come to.
    private struct DirectHistograms {
        let registry = PrometheusCollectorRegistry()
        let fulfillment: ValueHistogram
        let backoffWait: ValueHistogram
        let probeDuration: ValueHistogram

        init() {
            fulfillment = registry.makeValueHistogram(descriptor: RouterMetrics.Metric.serveRequestRouterFulfillmentTimeMs,
                                                      buckets: RouterMetrics.rayLatencyBucketsMilliseconds)
            backoffWait = registry.makeValueHistogram(descriptor: RouterMetrics.Metric.backoffWaitSeconds, buckets: RouterMetrics.secondsBuckets)
            probeDuration = registry.makeValueHistogram(descriptor: RouterMetrics.Metric.probeDurationSeconds, buckets: RouterMetrics.secondsBuckets)
        }

        func fulfilled(after duration: Duration) { fulfillment.record(duration.secondsValue * 1000) }
        func slept(_ wait: Duration) { backoffWait.record(wait.secondsValue) }
        func probeAnswered(after duration: Duration) { probeDuration.record(duration.secondsValue) }

        var exposition: String {
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    @Test("a trace's times fall in the buckets, and add to the sums, that the same durations recorded directly do, edges included")
    func traceTimesMatchDirectObservations() {
        let fromTraces = RouterMetrics()
        let direct = DirectHistograms()
        let millisecondEdges = RouterMetrics.rayLatencyBucketsMilliseconds.prefix(12) + [0.0004, 0.0006, 2.0015, 333.333]
        for (index, milliseconds) in millisecondEdges.enumerated() {
            var trace = RequestTrace(request: UInt64(index + 1), admittedMs: 1000.25)
            trace.sends = [TraceSend(replica: "r1", atMs: 1000.25 + milliseconds)]
            fromTraces.observe(trace)
            direct.fulfilled(after: .microseconds(Int64(((trace.sends[0].atMs - trace.admittedMs) * 1000).rounded())))
        }
        for (index, seconds) in RouterMetrics.secondsBuckets.enumerated() {
            var trace = RequestTrace(request: UInt64(100 + index), admittedMs: 0)
            var attempt = TraceAttempt(number: 2, tier: .all, startedMs: 0, task: 1, candidates: [TraceCandidate(replica: "r1", maxOngoingRequests: 5)])
            attempt.waitMs = seconds * 1000
            attempt.candidates[0].probe = TraceProbe(deadlineMs: 100)
            attempt.candidates[0].probe?.roundTripMs = seconds * 1000
            trace.attempts = [attempt]
            fromTraces.observe(trace)
            direct.slept(.microseconds(Int64((seconds * 1_000_000).rounded())))
            direct.probeAnswered(after: .microseconds(Int64((seconds * 1_000_000).rounded())))
        }
        // Sorted: a registry writes its metrics in no fixed order.
        func distributions(_ exposition: String) -> [Substring] {
            exposition.split(separator: "\n").filter {
                $0.hasPrefix("serve_request_router_fulfillment_time_ms") || $0.hasPrefix("routertop_backoff_wait_seconds")
                    || $0.hasPrefix("routertop_probe_duration_seconds")
            }.sorted()
        }
        let expected = distributions(direct.exposition)
        #expect(expected.count == 2 * (RouterMetrics.secondsBuckets.count + 3) + RouterMetrics.rayLatencyBucketsMilliseconds.count + 3)
        #expect(distributions(String(decoding: fromTraces.exposition(for: Self.snapshot()), as: UTF8.self)) == expected)
    }

    @Test func eachFinishedSendCountsUnderItsReplicaAndOutcome() {
        var trace = RequestTrace(request: 8, admittedMs: 10)
        func send(_ replica: String, _ outcome: String?, requeue: String? = nil) -> TraceSend {
            var send = TraceSend(replica: replica, atMs: 20)
            send.outcome = outcome
            send.requeue = requeue
            return send
        }
        trace.sends = [
            send("r1", "refused"), send("r1", "replica_error"), send("r2", "replica_error", requeue: "reroute"),
            send("r2", FailureReason.requestTimeout.rawValue), send("r1", "completed"), send("r2", nil),
        ]
        let metrics = RouterMetrics()
        metrics.observe(trace)
        let text = String(decoding: metrics.exposition(for: Self.snapshot()), as: UTF8.self)
        func sends(_ replica: String, _ outcome: String) -> Double? {
            Self.value(#"routertop_replica_requests_total{replica="\#(replica)",outcome="\#(outcome)"}"#, in: text)
        }
        #expect(sends("r1", "completed") == 1 && sends("r1", "refused") == 1 && sends("r1", "failed") == 1)
        #expect(sends("r1", "rerouted") == 0 && sends("r1", "cancelled") == 0)
        #expect(sends("r2", "rerouted") == 1 && sends("r2", "cancelled") == 1, "the send still running is not counted")
        #expect(sends("r2", "completed") == 0 && sends("r2", "refused") == 0 && sends("r2", "failed") == 0)
    }

    // Up to `replicasComparedByName` replicas a send's counters are found by name, beyond it
    // through a dictionary: each send counts under its own replica either way.
    @Test func sendsCountUnderTheirOwnReplicaWithFewReplicasAndWithMany() {
        let metrics = RouterMetrics()
        func completed(on replica: String) {
            var trace = RequestTrace(request: 1, admittedMs: 0)
            var send = TraceSend(replica: replica, atMs: 1)
            send.outcome = "completed"
            trace.sends = [send]
            metrics.observe(trace)
        }
        let few = (0..<RouterMetrics.replicasComparedByName).map { "replica-\($0)" }
        // Replica i completes i + 1 sends while there are few, then one more once there are many.
        for (index, replica) in few.enumerated() {
            for _ in 0...index { completed(on: replica) }
        }
        for _ in 0..<3 { completed(on: "one-too-many") }
        for replica in few { completed(on: replica) }
        let text = String(decoding: metrics.exposition(for: Self.snapshot()), as: UTF8.self)
        func count(_ replica: String) -> Double? {
            Self.value(#"routertop_replica_requests_total{replica="\#(replica)",outcome="completed"}"#, in: text)
        }
        #expect(few.map(count) == few.indices.map { Double($0 + 2) })
        #expect(count("one-too-many") == 3)
    }

    @Test func countersMoveByTheDifferenceAndLeftReplicasDisappear() throws {
        let metrics = RouterMetrics()
        var snapshot = Self.snapshot()
        _ = metrics.exposition(for: snapshot)
        snapshot.totals.completed = 40
        snapshot.replicas.removeLast()
        let text = String(decoding: metrics.exposition(for: snapshot), as: UTF8.self)
        #expect(Self.value(#"routertop_requests_total{outcome="completed"}"#, in: text) == 40)
        #expect(Self.value("routertop_settings_changes_total", in: text) == 1, "the same event is counted once")
        #expect(Self.value(#"routertop_replica_state{replica="r2",state="draining"}"#, in: text) == nil)
    }
}
