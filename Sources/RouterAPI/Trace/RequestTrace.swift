/// Why one request went where it did: every routing attempt made for it, every send and re-queue,
/// and how it ended. Times are milliseconds on the engine's timeline.
public struct RequestTrace: Codable, Sendable, Equatable {
    /// The request's number.
    public var request: UInt64
    public var admittedMs: Double
    /// The attempts routing tasks made on its behalf, in order.
    public var attempts: [TraceAttempt] = []
    /// Each time a replica was assigned to it, in order.
    public var sends: [TraceSend] = []
    /// Earliest attempts and sends left out to keep one trace bounded; nil when none were.
    public var attemptsOmitted: Int?
    public var sendsOmitted: Int?
    /// `completed`, or the failure reason; nil while it is in the router.
    public var outcome: String?
    /// The replica that completed it.
    public var replica: String?
    public var finishedMs: Double?

    public init(request: UInt64, admittedMs: Double) {
        self.request = request
        self.admittedMs = admittedMs
    }

    enum CodingKeys: String, CodingKey {
        case request, attempts, sends, outcome, replica
        case admittedMs = "admitted_ms"
        case attemptsOmitted = "attempts_omitted"
        case sendsOmitted = "sends_omitted"
        case finishedMs = "finished_ms"
    }
}

/// The candidate set an attempt drew from.
public enum TraceTier: String, Codable, Sendable, Equatable {
    case node
    case zone
    case all
    /// The replicas holding the request's model.
    case model
    /// The replicas holding the fewest models.
    case fewestModels = "fewest_models"
}

/// One routing attempt: where it drew candidates from, what it knew of each, what it chose.
public struct TraceAttempt: Codable, Sendable, Equatable {
    /// Counting every attempt for the request from 1, local tiers included.
    public var number: Int
    public var tier: TraceTier
    public var startedMs: Double
    /// The routing task that made it.
    public var task: Int
    public var candidates: [TraceCandidate]
    /// The replica chosen; nil when the attempt found none.
    public var choice: String?
    /// The request the choice went to, when an older one was waiting (FIFO hand-off).
    public var handedTo: UInt64?
    /// The backoff wait that followed a failed attempt (its current value if settings changed).
    public var waitMs: Double?

    public init(number: Int, tier: TraceTier, startedMs: Double, task: Int, candidates: [TraceCandidate]) {
        self.number = number
        self.tier = tier
        self.startedMs = startedMs
        self.task = task
        self.candidates = candidates
    }

    enum CodingKeys: String, CodingKey {
        case number, tier, task, candidates, choice
        case startedMs = "started_ms"
        case handedTo = "handed_to"
        case waitMs = "wait_ms"
    }
}

/// One candidate of an attempt: its cache entry when the attempt began, and its probe if any.
public struct TraceCandidate: Codable, Sendable, Equatable {
    public var replica: String
    /// The cached queue length and its age; nil when there was no entry.
    public var cacheLength: Int?
    public var cacheAgeMs: Double?
    /// The router's own count, for a replica without a probe endpoint.
    public var localLength: Int?
    public var maxOngoingRequests: Int
    public var probe: TraceProbe?

    public init(replica: String, maxOngoingRequests: Int) {
        self.replica = replica
        self.maxOngoingRequests = maxOngoingRequests
    }

    enum CodingKeys: String, CodingKey {
        case replica, probe
        case cacheLength = "cache_length"
        case cacheAgeMs = "cache_age_ms"
        case localLength = "local_length"
        case maxOngoingRequests = "max_ongoing_requests"
    }
}

/// A probe an attempt waited for.
public struct TraceProbe: Codable, Sendable, Equatable {
    public var deadlineMs: Double
    /// `length`, `timeout`, `unavailable`, `dead`, `unsupported`, `replica_left`, or `abandoned`
    /// (the task ended first); nil while out.
    public var outcome: String?
    public var length: Int?
    public var roundTripMs: Double?

    public init(deadlineMs: Double) {
        self.deadlineMs = deadlineMs
    }

    enum CodingKeys: String, CodingKey {
        case outcome, length
        case deadlineMs = "deadline_ms"
        case roundTripMs = "round_trip_ms"
    }
}

/// One send of the request to a replica and how it ended.
public struct TraceSend: Codable, Sendable, Equatable {
    public var replica: String
    public var atMs: Double
    /// The request whose routing attempt found the replica, when it was another one.
    public var foundFor: UInt64?
    /// `completed`, `refused`, `failed_before_response`, `failed_mid_response`, `replica_died`, or
    /// the reason it was called off; nil while it runs.
    public var outcome: String?
    public var endedMs: Double?
    /// Why the request went back to the queue after it: `refused` or `reroute`.
    public var requeue: String?

    public init(replica: String, atMs: Double) {
        self.replica = replica
        self.atMs = atMs
    }

    enum CodingKeys: String, CodingKey {
        case replica, outcome, requeue
        case atMs = "at_ms"
        case foundFor = "found_for"
        case endedMs = "ended_ms"
    }
}

/// The traces a router keeps: the most recent finished requests, up to its capacity.
public struct RequestTraceLog: Codable, Sendable, Equatable {
    public var capacity: Int
    /// Traces dropped to stay within the capacity, over the router's life.
    public var evicted: Int
    /// Oldest first.
    public var traces: [RequestTrace]

    public init(capacity: Int, evicted: Int, traces: [RequestTrace]) {
        self.capacity = capacity
        self.evicted = evicted
        self.traces = traces
    }
}
