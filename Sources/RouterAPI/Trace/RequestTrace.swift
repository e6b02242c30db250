/// Why one request went where it did: every routing attempt made for it, every send and re-queue,
/// and how it ended. Times are milliseconds on the engine's timeline; `admittedUTC` places it on the
/// wall clock.
public struct RequestTrace: Codable, Sendable, Equatable {
    /// The request's number.
    public var request: UInt64
    public var admittedMs: Double
    public var admittedUTC: UTCTime = .epoch
    /// The id the request came with from outside (a client's `X-Request-Id`, Ray's request id), if any.
    public var externalID: String?
    /// The model the request asked for (multiplexing), if any.
    public var model: String?
    /// Requests waiting ahead of it in the pending queue when it was admitted; nil where the router
    /// cannot see its queue (the Ray bridge).
    public var queueAhead: Int?
    /// The routing task cap, `min(pending, min(cap, 2 × routable replicas))`, just after it was admitted.
    public var taskCap: Int?
    /// Why its first attempt did not begin at admission; nil when it began at once.
    public var firstWait: TraceWait?
    /// The attempts routing tasks made on its behalf, in order.
    public var attempts: [TraceAttempt] = []
    /// Each time a replica was assigned to it, in order.
    public var sends: [TraceSend] = []
    /// Earliest attempts and sends left out to keep one trace bounded; nil when none were.
    public var attemptsOmitted: Int?
    public var sendsOmitted: Int?
    /// `completed` (`completedOutcome`), or the failure reason; nil while it is in the router.
    public var outcome: String?
    /// The outcome of a request a replica answered.
    public static let completedOutcome = "completed"
    /// The replica that completed it.
    public var replica: String?
    public var finishedMs: Double?

    public init(request: UInt64, admittedMs: Double, admittedUTC: UTCTime = .epoch) {
        self.request = request
        self.admittedMs = admittedMs
        self.admittedUTC = admittedUTC
    }

    enum CodingKeys: String, CodingKey {
        case attempts, sends, outcome, replica, model
        case request = "request_id"
        case queueAhead = "queue_ahead"
        case taskCap = "task_cap"
        case firstWait = "first_wait"
        case externalID = "external_id"
        case admittedMs = "admitted_ms"
        case admittedUTC = "admitted_utc"
        case attemptsOmitted = "attempts_omitted"
        case sendsOmitted = "sends_omitted"
        case finishedMs = "finished_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        request = try c.decode(RequestID.self, forKey: .request).rawValue
        externalID = try c.decodeIfPresent(String.self, forKey: .externalID)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        admittedMs = try c.decode(Double.self, forKey: .admittedMs)
        admittedUTC = try c.decode(UTCTime.self, forKey: .admittedUTC)
        queueAhead = try c.decodeIfPresent(Int.self, forKey: .queueAhead)
        taskCap = try c.decodeIfPresent(Int.self, forKey: .taskCap)
        firstWait = try c.decodeIfPresent(TraceWait.self, forKey: .firstWait)
        attempts = try c.decode([TraceAttempt].self, forKey: .attempts)
        sends = try c.decode([TraceSend].self, forKey: .sends)
        attemptsOmitted = try c.decodeIfPresent(Int.self, forKey: .attemptsOmitted)
        sendsOmitted = try c.decodeIfPresent(Int.self, forKey: .sendsOmitted)
        outcome = try c.decodeIfPresent(String.self, forKey: .outcome)
        replica = try c.decodeIfPresent(String.self, forKey: .replica)
        finishedMs = try c.decodeIfPresent(Double.self, forKey: .finishedMs)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RequestID(request), forKey: .request)
        try c.encodeIfPresent(externalID, forKey: .externalID)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encode(admittedMs, forKey: .admittedMs)
        try c.encode(admittedUTC, forKey: .admittedUTC)
        try c.encodeIfPresent(queueAhead, forKey: .queueAhead)
        try c.encodeIfPresent(taskCap, forKey: .taskCap)
        try c.encodeIfPresent(firstWait, forKey: .firstWait)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(sends, forKey: .sends)
        try c.encodeIfPresent(attemptsOmitted, forKey: .attemptsOmitted)
        try c.encodeIfPresent(sendsOmitted, forKey: .sendsOmitted)
        try c.encodeIfPresent(outcome, forKey: .outcome)
        try c.encodeIfPresent(replica, forKey: .replica)
        try c.encodeIfPresent(finishedMs, forKey: .finishedMs)
    }
}

/// Why a request's first attempt did not begin when it was admitted, with the figures of that moment.
public struct TraceWait: Codable, Sendable, Equatable {
    /// What held it back.
    public enum Reason: String, Codable, Sendable, Equatable {
        /// Older requests without a routing task were ahead of it: tasks go to the oldest first.
        case queueAhead = "queue_ahead"
        /// It was next in line, but every routing task the cap allows was busy.
        case taskCap = "task_cap"
        /// No replica could be routed to, so no task ran.
        case noRoutableReplica = "no_routable_replica"
    }

    public var reason: Reason
    /// Requests ahead of it that had no routing task either.
    public var waitingAhead: Int
    /// Routing tasks running.
    public var tasks: Int
    public var taskCap: Int
    public var routableReplicas: Int
    /// From admission to its first attempt; nil when it never had one.
    public var waitedMs: Double?

    public init(reason: Reason, waitingAhead: Int, tasks: Int, taskCap: Int, routableReplicas: Int) {
        self.reason = reason
        self.waitingAhead = waitingAhead
        self.tasks = tasks
        self.taskCap = taskCap
        self.routableReplicas = routableReplicas
    }

    enum CodingKeys: String, CodingKey {
        case reason, tasks
        case waitingAhead = "waiting_ahead"
        case taskCap = "task_cap"
        case routableReplicas = "routable_replicas"
        case waitedMs = "waited_ms"
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
    /// Requests waiting ahead of its request in the pending queue when it began (nil: not known).
    public var queueAhead: Int?
    /// The routing task cap when it began (nil: not known).
    public var taskCap: Int?
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
        case number, tier, candidates, choice
        case task = "task_id"
        case queueAhead = "queue_ahead"
        case taskCap = "task_cap"
        case startedMs = "started_ms"
        case handedTo = "handed_to"
        case waitMs = "wait_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decode(Int.self, forKey: .number)
        tier = try c.decode(TraceTier.self, forKey: .tier)
        startedMs = try c.decode(Double.self, forKey: .startedMs)
        task = try c.decode(TaskIDCoding.self, forKey: .task).number
        queueAhead = try c.decodeIfPresent(Int.self, forKey: .queueAhead)
        taskCap = try c.decodeIfPresent(Int.self, forKey: .taskCap)
        candidates = try c.decode([TraceCandidate].self, forKey: .candidates)
        choice = try c.decodeIfPresent(String.self, forKey: .choice)
        handedTo = try c.decodeIfPresent(RequestID.self, forKey: .handedTo)?.rawValue
        waitMs = try c.decodeIfPresent(Double.self, forKey: .waitMs)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(number, forKey: .number)
        try c.encode(tier, forKey: .tier)
        try c.encode(startedMs, forKey: .startedMs)
        try c.encode(TaskIDCoding(number: task), forKey: .task)
        try c.encodeIfPresent(queueAhead, forKey: .queueAhead)
        try c.encodeIfPresent(taskCap, forKey: .taskCap)
        try c.encode(candidates, forKey: .candidates)
        try c.encodeIfPresent(choice, forKey: .choice)
        try c.encodeIfPresent(handedTo.map(RequestID.init), forKey: .handedTo)
        try c.encodeIfPresent(waitMs, forKey: .waitMs)
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

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        replica = try c.decode(String.self, forKey: .replica)
        atMs = try c.decode(Double.self, forKey: .atMs)
        foundFor = try c.decodeIfPresent(RequestID.self, forKey: .foundFor)?.rawValue
        outcome = try c.decodeIfPresent(String.self, forKey: .outcome)
        endedMs = try c.decodeIfPresent(Double.self, forKey: .endedMs)
        requeue = try c.decodeIfPresent(String.self, forKey: .requeue)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(replica, forKey: .replica)
        try c.encode(atMs, forKey: .atMs)
        try c.encodeIfPresent(foundFor.map(RequestID.init), forKey: .foundFor)
        try c.encodeIfPresent(outcome, forKey: .outcome)
        try c.encodeIfPresent(endedMs, forKey: .endedMs)
        try c.encodeIfPresent(requeue, forKey: .requeue)
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

extension RequestTraceLog {
    /// The newest trace `id` names: the router's own id (`req-12` or `12`) first, then a client's
    /// own `X-Request-Id`.
    public func trace(named id: String) -> RequestTrace? {
        if let number = RequestID(text: id)?.rawValue, let trace = traces.last(where: { $0.request == number }) {
            return trace
        }
        return traces.last { $0.externalID == id }
    }

    /// Why `id` names no kept trace, in words.
    public func noTrace(for id: String) -> String {
        "\(RequestID(text: id).map { "req-\($0.rawValue)" } ?? id) has no trace: the router keeps the traces of its last "
            + "\(capacity) finished requests (\(evicted) dropped so far), found by the router's id (req-12) or the "
            + "client's own X-Request-Id, and none of one still in the router"
    }
}
