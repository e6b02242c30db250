import RouterEngine

/// What a scenario run produced: totals, latencies, retries and each replica's counters.
public struct ScenarioReport: Equatable, Sendable, Codable {
    public var seed: UInt64
    public var durationS: Double
    public var legacyBackoff: Bool
    public var admitted: Int
    public var completed: Int
    public var failed: [String: Int]
    public var pending: Int
    public var running: Int
    public var conserved: Bool
    public var fulfillmentMs: Percentiles
    public var attemptsHistogram: [String: Int]
    public var backoffWaitsMs: [Double]
    /// The waits slept after each failed-attempt number: shows that the first retry never sleeps.
    public var backoffWaitsByAttemptMs: [String: [Double]]
    public var retries: Retries
    public var replicas: [Replica]
    /// The settings in force at the end, under their file keys.
    public var params: RouterSettings
    /// Model hit rate, loads and latencies split by hit and miss; nil when the load asks for no models.
    public var models: Models?

    /// Latency percentiles in milliseconds.
    public struct Percentiles: Equatable, Sendable, Codable {
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var max: Double
    }

    /// Retry counters.
    public struct Retries: Equatable, Sendable, Codable {
        public var failedAttempts: Int
        public var backoffSleeps: Int
        public var reroutes: Int
        public var warnings: Int
        /// Sends that found their replica unavailable and were routed again.
        public var unavailableSends: Int
    }

    /// One replica's counters at the end.
    public struct Replica: Equatable, Sendable, Codable {
        public var id: String
        public var routed: Int
        public var completed: Int
        public var rejected: Int
        public var probeTimeouts: Int
        public var finalState: String
    }

    enum CodingKeys: String, CodingKey {
        case seed, admitted, completed, failed, pending, running, conserved, retries, replicas, params, models
        case durationS = "duration_s"
        case legacyBackoff = "legacy_backoff"
        case fulfillmentMs = "fulfillment_ms"
        case attemptsHistogram = "attempts_histogram"
        case backoffWaitsMs = "backoff_waits_ms"
        case backoffWaitsByAttemptMs = "backoff_waits_by_attempt_ms"
    }
}

extension ScenarioReport.Retries {
    enum CodingKeys: String, CodingKey {
        case reroutes, warnings
        case failedAttempts = "failed_attempts"
        case backoffSleeps = "backoff_sleeps"
        case unavailableSends = "unavailable_sends"
    }
}

extension ScenarioReport.Replica {
    enum CodingKeys: String, CodingKey {
        case id, routed, completed, rejected
        case probeTimeouts = "probe_timeouts"
        case finalState = "final_state"
    }
}

extension ScenarioReport.Percentiles {
    init(_ summary: LatencySummary) {
        func ms(_ value: Duration?) -> Double { ((value ?? .zero).millisecondsValue * 1000).rounded() / 1000 }
        self.init(p50: ms(summary.p50), p90: ms(summary.p90), p99: ms(summary.p99), max: ms(summary.max))
    }
}
