import CoreMetrics
import Prometheus
import RouterAPI
import Synchronization

/// The router's Prometheus metrics for `GET /metrics`, kept in one registry per router.
///
/// Gauges and counters are brought up to date from the latest snapshot at each scrape, so they
/// equal the router's own totals; counters move by the difference since the last scrape.
/// Distributions (fulfilment time, backoff waits, probe durations) are observed as they happen
/// through `observe(_:)`.
public final class RouterMetrics: Sendable {
    /// Ray Serve's default latency buckets, in milliseconds.
    public static let rayLatencyBucketsMilliseconds: [Double] = [
        1, 2, 5, 10, 20, 50, 100, 200, 300, 400, 500, 1000, 2000, 5000, 10000, 60000, 120000, 300000, 600000,
    ]
    static let secondsBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Request durations, admission to last byte: up to the longest request timeout people set.
    static let requestSecondsBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
    /// How one send of a request to a replica ended, as `routertop_replica_requests_total` counts it.
    /// Its raw value indexes a replica's counters; its case name is the `outcome` label.
    enum ReplicaRequestOutcome: Int, CaseIterable {
        case completed, refused, failed, rerouted, cancelled
    }

    /// A metric's name and help text (promtool wants help on every metric).
    static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    private struct Seen {
        var completed = 0
        var failed: [FailureReason: Int] = [:]
        var attempts = 0
        var sleeps = 0
        var probeTimeouts: [ReplicaID: Int] = [:]
        var lastSettingsEvent: UInt64 = 0
        var replicas: Set<ReplicaID> = []
        var modelHits = 0
        var modelMisses = 0
        var modelLoads: [ReplicaID: Int] = [:]
    }

    /// Up to this many replicas, a send's counters are found by comparing its replica's name with
    /// theirs: a few names compared cost less than one hashed (about 390 instructions a send).
    static let replicasComparedByName = 8

    /// The series finished requests move, by label: the registry builds the metric's name and
    /// takes its lock on every lookup, which was most of what each proxied request cost here.
    private struct RequestSeries {
        /// By replica, then by send outcome (`ReplicaRequestOutcome.rawValue`): one lookup by name per send.
        private var sends: [String: [Prometheus.Counter]] = [:]
        /// The same while there are at most `replicasComparedByName`.
        private var fewNames: [String] = []
        private var fewCounters: [[Prometheus.Counter]] = []

        func counters(of replica: String) -> [Prometheus.Counter]? {
            guard sends.count <= RouterMetrics.replicasComparedByName else { return sends[replica] }
            guard let index = fewNames.firstIndex(of: replica) else { return nil }
            return fewCounters[index]
        }

        mutating func add(_ counters: [Prometheus.Counter], of replica: String) {
            // Two threads may both have made the same replica's series (the registry gives both the same).
            guard sends.updateValue(counters, forKey: replica) == nil else { return }
            if sends.count <= RouterMetrics.replicasComparedByName {
                fewNames.append(replica)
                fewCounters.append(counters)
            } else {
                fewNames = []
                fewCounters = []
            }
        }
    }

    private let registry = PrometheusCollectorRegistry()
    private let seen = Mutex(Seen())
    private let requestSeries = Mutex(RequestSeries())
    /// Request durations by outcome, made at the start: found with no lock, and a completed
    /// request's (nearly every one) without hashing its outcome.
    private let completedDurations: ValueHistogram
    private let failedDurations: [String: ValueHistogram]
    private let tasks: Prometheus.Gauge
    private let tasksInBackoff: Prometheus.Gauge
    private let requestsCompleted: Prometheus.Counter
    private let requestsFailed: Prometheus.Counter
    private let routingAttempts: Prometheus.Counter
    private let backoffSleeps: Prometheus.Counter
    private let settingsChanges: Prometheus.Counter
    private let skippedSnapshots: Prometheus.Counter
    /// Observed from each finished request's trace, through swift-metrics' handler protocol over
    /// the Prometheus histograms. Not through its `Recorder` facade, which wrapped these same handlers: its
    /// `record` ran unspecialised, converting each `Double` generically, and cost about 920
    /// instructions a request, of which the handler's own call is 560.
    private let fulfillment: any RecorderHandler
    private let backoffWait: any RecorderHandler
    private let probeDuration: any RecorderHandler

    /// - Parameter version: the program's version, exported as `routertop_build_info{version}`.
    public init(version: String = "unknown") {
        registry.makeGauge(descriptor: Metric.buildInfo, labels: [("version", version)]).set(to: 1)
        registry.makeGauge(descriptor: Metric.settingsOnTrialSeconds).set(to: 0)
        completedDurations = Self.requestDurations(RequestTrace.completedOutcome, in: registry)
        failedDurations = Dictionary(uniqueKeysWithValues: FailureReason.allCases.map { [registry] reason in
            (reason.rawValue, Self.requestDurations(reason.rawValue, in: registry))
        })
        tasks = registry.makeGauge(descriptor: Metric.serveNumSchedulingTasks)
        tasksInBackoff = registry.makeGauge(descriptor: Metric.serveNumSchedulingTasksInBackoff)
        requestsCompleted = registry.makeCounter(descriptor: Metric.requestsTotal, labels: [("outcome", "completed")])
        requestsFailed = registry.makeCounter(descriptor: Metric.requestsTotal, labels: [("outcome", "failed")])
        for reason in FailureReason.allCases {
            _ = registry.makeCounter(descriptor: Metric.failedRequestsTotal, labels: [("reason", reason.rawValue)])
        }
        routingAttempts = registry.makeCounter(descriptor: Metric.routingAttemptsTotal)
        backoffSleeps = registry.makeCounter(descriptor: Metric.backoffSleepsTotal)
        settingsChanges = registry.makeCounter(descriptor: Metric.settingsChangesTotal)
        skippedSnapshots = registry.makeCounter(descriptor: Metric.controlSnapshotsSkippedTotal)
        for listener in ControlListenerKind.allCases {
            _ = registry.makeCounter(descriptor: Metric.controlConnectionsRefusedTotal, labels: [("listener", listener.rawValue)])
        }
        for reason in ControlClosing.allCases {
            _ = registry.makeCounter(descriptor: Metric.controlConnectionsClosedTotal, labels: [("reason", reason.rawValue)])
        }
        for key in RouterSettingKey.allCases {
            _ = registry.makeGauge(descriptor: Metric.setting, labels: [("name", key.fileKey)])
        }
        fulfillment = registry.makeValueHistogram(descriptor: Metric.serveRequestRouterFulfillmentTimeMs, buckets: Self.rayLatencyBucketsMilliseconds)
        backoffWait = registry.makeValueHistogram(descriptor: Metric.backoffWaitSeconds, buckets: Self.secondsBuckets)
        probeDuration = registry.makeValueHistogram(descriptor: Metric.probeDurationSeconds, buckets: Self.secondsBuckets)
    }

    /// A snapshot stream skipped a tick for a slow client.
    func snapshotSkipped() { skippedSnapshots.increment() }

    /// A connection was refused at its listener's limit.
    func connectionRefused(on listener: ControlListenerKind) {
        registry.makeCounter(descriptor: Metric.controlConnectionsRefusedTotal, labels: [("listener", listener.rawValue)]).increment()
    }

    /// The server closed a connection for `reason`.
    func connectionClosed(_ reason: ControlClosing) {
        registry.makeCounter(descriptor: Metric.controlConnectionsClosedTotal, labels: [("reason", reason.rawValue)]).increment()
    }

    /// The metrics in Prometheus text format, brought up to date with `snapshot`.
    func exposition(for snapshot: RouterSnapshot) -> [UInt8] {
        update(from: snapshot)
        return registry.emitToBuffer()
    }

    /// Sets gauges and moves counters to the snapshot's values.
    func update(from snapshot: RouterSnapshot) {
        tasks.set(to: Double(snapshot.routingTasks))
        tasksInBackoff.set(to: Double(snapshot.tasksInBackoff))
        let onTrial = snapshot.trial.map { max(0, Double($0.seconds) - $0.secondsLeft) } ?? 0
        registry.makeGauge(descriptor: Metric.settingsOnTrialSeconds).set(to: onTrial)
        for key in RouterSettingKey.allCases {
            registry.makeGauge(descriptor: Metric.setting, labels: [("name", key.fileKey)]).set(to: snapshot.settings[key])
        }
        let attempts = snapshot.retries.failedAttempts + snapshot.attemptsHistogram.reduce(0) { $0 + $1.requests }
        let settingsEvents = snapshot.events.filter { $0.kind == .settings }
        let present = Set(snapshot.replicas.map(\.id))
        seen.withLock { seen in
            requestsCompleted.increment(by: Int64(max(0, snapshot.totals.completed - seen.completed)))
            seen.completed = max(seen.completed, snapshot.totals.completed)
            var failedMore = 0
            for reason in FailureReason.allCases {
                let now = snapshot.totals.failed[reason] ?? 0
                let more = max(0, now - (seen.failed[reason] ?? 0))
                failedMore += more
                registry.makeCounter(descriptor: Metric.failedRequestsTotal, labels: [("reason", reason.rawValue)]).increment(by: Int64(more))
                seen.failed[reason] = max(now, seen.failed[reason] ?? 0)
            }
            requestsFailed.increment(by: Int64(failedMore))
            routingAttempts.increment(by: Int64(max(0, attempts - seen.attempts)))
            seen.attempts = max(seen.attempts, attempts)
            backoffSleeps.increment(by: Int64(max(0, snapshot.retries.backoffSleeps - seen.sleeps)))
            seen.sleeps = max(seen.sleeps, snapshot.retries.backoffSleeps)
            // Confirming a trial keeps the settings as they are: it is not a change.
            let newChanges = settingsEvents.filter { $0.sequence > seen.lastSettingsEvent && $0.change?.verb != "confirm" }
            settingsChanges.increment(by: Int64(newChanges.count))
            seen.lastSettingsEvent = max(seen.lastSettingsEvent, settingsEvents.last?.sequence ?? 0)

            for replica in snapshot.replicas {
                let name = replica.id.rawValue
                registry.makeGauge(descriptor: Metric.serveRequestRouterQueueLen, labels: [("replica", name)])
                    .set(to: Double(replica.queueLength))
                registry.makeGauge(descriptor: Metric.replicaInFlight, labels: [("replica", name)])
                    .set(to: Double(replica.inFlight))
                registry.makeGauge(descriptor: Metric.replicaQueueLength, labels: [("replica", name)])
                    .set(to: Double(replica.queueLength))
                registry.makeGauge(descriptor: Metric.replicaMaxOngoing, labels: [("replica", name)])
                    .set(to: Double(replica.maxOngoingRequests))
                // Every outcome has a series from the start, so rates and ratios have data at once.
                _ = replicaRequests(name)
                for state in ReplicaState.allCases {
                    registry.makeGauge(descriptor: Metric.replicaState, labels: [("replica", name), ("state", state.rawValue)])
                        .set(to: replica.state == state ? 1 : 0)
                }
                let timeouts = registry.makeCounter(descriptor: Metric.probeTimeoutsTotal, labels: [("replica", name)])
                timeouts.increment(by: Int64(max(0, replica.probeTimeouts - (seen.probeTimeouts[replica.id] ?? 0))))
                seen.probeTimeouts[replica.id] = max(replica.probeTimeouts, seen.probeTimeouts[replica.id] ?? 0)
            }
            updateModels(from: snapshot, seen: &seen)
            for gone in seen.replicas.subtracting(present) { forget(gone) }
            seen.replicas = present
        }
    }

    /// Multiplexing: requests for a model sent to a replica holding it (hit) or not (miss), and
    /// the loads each replica's reports showed. Present once a request named a model.
    private func updateModels(from snapshot: RouterSnapshot, seen: inout Seen) {
        guard let models = snapshot.models else { return }
        registry.makeCounter(descriptor: Metric.modelRequestsTotal, labels: [("outcome", "hit")])
            .increment(by: Int64(max(0, models.hits - seen.modelHits)))
        registry.makeCounter(descriptor: Metric.modelRequestsTotal, labels: [("outcome", "miss")])
            .increment(by: Int64(max(0, models.misses - seen.modelMisses)))
        seen.modelHits = max(seen.modelHits, models.hits)
        seen.modelMisses = max(seen.modelMisses, models.misses)
        for replica in snapshot.replicas {
            let loads = replica.models?.loads ?? 0
            registry.makeCounter(descriptor: Metric.modelLoadsTotal, labels: [("replica", replica.id.rawValue)])
                .increment(by: Int64(max(0, loads - (seen.modelLoads[replica.id] ?? 0))))
            seen.modelLoads[replica.id] = max(loads, seen.modelLoads[replica.id] ?? 0)
        }
    }

    /// Drops a replica that left the router, so its series end instead of repeating a stale value.
    private func forget(_ id: ReplicaID) {
        let name = id.rawValue
        registry.unregisterGauge(registry.makeGauge(descriptor: Metric.serveRequestRouterQueueLen, labels: [("replica", name)]))
        registry.unregisterGauge(registry.makeGauge(descriptor: Metric.replicaInFlight, labels: [("replica", name)]))
        registry.unregisterGauge(registry.makeGauge(descriptor: Metric.replicaQueueLength, labels: [("replica", name)]))
        registry.unregisterGauge(registry.makeGauge(descriptor: Metric.replicaMaxOngoing, labels: [("replica", name)]))
        for state in ReplicaState.allCases {
            registry.unregisterGauge(registry.makeGauge(descriptor: Metric.replicaState, labels: [("replica", name), ("state", state.rawValue)]))
        }
    }
}

extension RouterMetrics {
    /// Records what a finished request's decision trace shows: its fulfilment time (admission to
    /// its first replica), each backoff sleep, and each probe answered during its attempts.
    public func observe(_ trace: RequestTrace) {
        if let finished = trace.finishedMs, let outcome = trace.outcome {
            requestDuration(outcome)?.record(max(0, finished - trace.admittedMs) / 1000)
        }
        for send in trace.sends {
            guard let outcome = Self.sendOutcome(send) else { continue }
            replicaRequests(send.replica)[outcome.rawValue].increment()
        }
        if let firstSend = trace.sends.first {
            fulfillment.record(Self.wholeMicroseconds(firstSend.atMs - trace.admittedMs))
        }
        for attempt in trace.attempts {
            if let wait = attempt.waitMs, wait > 0 {
                backoffWait.record(Self.wholeMicroseconds(wait) / 1000)
            }
            for candidate in attempt.candidates {
                if let roundTrip = candidate.probe?.roundTripMs {
                    probeDuration.record(Self.wholeMicroseconds(roundTrip) / 1000)
                }
            }
        }
    }

    /// Milliseconds from a trace, rounded to whole microseconds (as the trace's `Duration`s were
    /// once). Recorded as numbers, not through `Duration`, whose split into seconds and attoseconds
    /// cost about 190 instructions a request.
    static func wholeMicroseconds(_ milliseconds: Double) -> Double {
        (milliseconds * 1000).rounded() / 1000
    }
}

extension RouterMetrics {
    /// The counters of sends to `replica`, one for each outcome, by `ReplicaRequestOutcome.rawValue`.
    func replicaRequests(_ replica: String) -> [Prometheus.Counter] {
        if let counters = requestSeries.withLock({ $0.counters(of: replica) }) { return counters }
        let counters = ReplicaRequestOutcome.allCases.map { outcome in
            registry.makeCounter(descriptor: Metric.replicaRequestsTotal,
                                 labels: [("replica", replica), ("outcome", "\(outcome)")])
        }
        requestSeries.withLock { $0.add(counters, of: replica) }
        return counters
    }

    /// The histogram of request durations that ended as `outcome`: completed or a failure reason,
    /// the only outcomes the router writes.
    private func requestDuration(_ outcome: String) -> ValueHistogram? {
        outcome == RequestTrace.completedOutcome ? completedDurations : failedDurations[outcome]
    }

    private static func requestDurations(_ outcome: String, in registry: PrometheusCollectorRegistry) -> ValueHistogram {
        registry.makeValueHistogram(descriptor: Metric.requestDurationSeconds, labels: [("outcome", outcome)],
                                    buckets: requestSecondsBuckets)
    }

    /// How a finished send counts: nil while it still runs.
    static func sendOutcome(_ send: TraceSend) -> ReplicaRequestOutcome? {
        guard let outcome = send.outcome else { return nil }
        if outcome == "completed" { return .completed }
        if outcome == "refused" { return .refused }
        if send.requeue == "reroute" { return .rerouted }
        if outcome == FailureReason.cancelled.rawValue || outcome == FailureReason.requestTimeout.rawValue { return .cancelled }
        return .failed
    }
}
