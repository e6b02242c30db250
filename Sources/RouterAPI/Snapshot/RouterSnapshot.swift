/// Everything the dashboard draws, as one immutable value taken at one moment.
public struct RouterSnapshot: Sendable, Codable {
    /// When the snapshot was taken, on the engine's timeline and on the wall clock.
    public var time: EngineTime
    public var timeUTC: UTCTime = .epoch
    public var mode: RouterMode
    /// Which router this is (name, process, Ray's placement); the control server fills in the name.
    public var router = RouterIdentity()
    /// The settings in force now, and the ones the router started with.
    public var settings: RouterSettings
    public var startupSettings: RouterSettings
    /// True when the first retry also sleeps (for comparison only).
    public var legacyBackoff: Bool
    public var locality: Locality
    public var totals: RequestTotals
    public var routingTasks: Int
    public var maxRoutingTasks: Int
    public var tasksInBackoff: Int
    /// Routing tasks waiting on probes for a first try (a retrying task counts in `tasksInBackoff` only).
    public var tasksProbing: Int
    /// Requests admitted, completed and failed per second, over the last few seconds.
    public var rateIn: Double
    public var rateOut: Double
    public var rateFailed: Double
    /// Time from admission to assignment of a replica, over the recent window.
    public var fulfillment: LatencySummary
    public var replicas: [ReplicaSnapshot]
    /// Every routing task in backoff, longest waiting first.
    public var backoffTimers: [BackoffTimerSnapshot]
    /// Every routing task waiting on a probe, with the replica it waits for; longest waiting first.
    public var probeWaits: [ProbeWaitSnapshot]
    /// How many requests needed how many routing attempts, by attempt count.
    public var attemptsHistogram: [AttemptBucket]
    public var retries: RetryTotals
    /// The most recent events, oldest first.
    public var events: [RouterEvent]
    /// The simulated load, when the fleet is simulated.
    public var simulation: SimulationStatus?
    /// The HTTP front door's limits and counters, in proxy mode.
    public var proxy: ProxyFigures?
    /// Multiplexed routing figures; nil until a request names a model or a replica reports one.
    public var models: ModelFigures?
    /// The settings change on trial, when one runs: every dashboard shows its countdown.
    public var trial: TrialStatus?
    /// How the bridge observing a Ray Serve router is doing; nil for routertop's own routers.
    public var observer: ObserverStatus?
    /// `summary` for a fleet's lighter snapshot (`view=summary`), `delta` for a delta stream's line
    /// after its first (`view=delta`); `full` otherwise.
    public var view: SnapshotView = .full
    /// A summary's replicas whose figures changed since the stream's last line (all on the first).
    public var replicaChanges: [ReplicaSummary]? = nil
    /// A summary's or delta's replicas removed since the stream's last line.
    public var replicasGone: [ReplicaID]? = nil
    /// A summary's or delta's number of replicas (a summary's `replicas` is empty, a delta's has
    /// only the rows that changed).
    public var replicaCount: Int? = nil

    /// True when the live backoff or probe settings differ from the start values.
    public var settingsChanged: Bool { settings != startupSettings }

    public init(
        time: EngineTime,
        mode: RouterMode,
        settings: RouterSettings,
        startupSettings: RouterSettings,
        legacyBackoff: Bool,
        locality: Locality,
        totals: RequestTotals,
        routingTasks: Int,
        maxRoutingTasks: Int,
        tasksInBackoff: Int,
        tasksProbing: Int = 0,
        rateIn: Double,
        rateOut: Double,
        rateFailed: Double = 0,
        fulfillment: LatencySummary,
        replicas: [ReplicaSnapshot],
        backoffTimers: [BackoffTimerSnapshot],
        probeWaits: [ProbeWaitSnapshot] = [],
        attemptsHistogram: [AttemptBucket],
        retries: RetryTotals,
        events: [RouterEvent],
        simulation: SimulationStatus? = nil
    ) {
        self.time = time
        self.mode = mode
        self.settings = settings
        self.startupSettings = startupSettings
        self.legacyBackoff = legacyBackoff
        self.locality = locality
        self.totals = totals
        self.routingTasks = routingTasks
        self.maxRoutingTasks = maxRoutingTasks
        self.tasksInBackoff = tasksInBackoff
        self.tasksProbing = tasksProbing
        self.rateIn = rateIn
        self.rateOut = rateOut
        self.rateFailed = rateFailed
        self.fulfillment = fulfillment
        self.replicas = replicas
        self.backoffTimers = backoffTimers
        self.probeWaits = probeWaits
        self.attemptsHistogram = attemptsHistogram
        self.retries = retries
        self.events = events
        self.simulation = simulation
    }
}

/// What routertop is routing.
public enum RouterMode: Equatable, Sendable, CustomStringConvertible {
    case simulated
    case proxy(listen: String)
    /// A Ray Serve router observed by the bridge; `deployment` is `APP/DEPLOYMENT`.
    case ray(deployment: String)

    public var kind: RouterKind {
        switch self {
        case .simulated: .simulated
        case .proxy: .proxy
        case .ray: .ray
        }
    }

    public var description: String {
        switch self {
        case .simulated: "simulated fleet"
        case .proxy(let listen): "proxy on \(listen)"
        case .ray(let deployment): "ray \(deployment)"
        }
    }
}

/// The router's own place, which drives the locality tiers.
public struct Locality: Equatable, Sendable, Codable {
    public var node: String
    public var zone: String
    /// When false, every attempt draws from all replicas at once.
    public var preferLocal: Bool

    public init(node: String, zone: String, preferLocal: Bool = true) {
        self.node = node
        self.zone = zone
        self.preferLocal = preferLocal
    }

    enum CodingKeys: String, CodingKey {
        case node, zone
        case preferLocal = "prefer_local"
    }
}

/// Request counters. `admitted == completed + failedTotal + pending + running` always holds.
public struct RequestTotals: Equatable, Sendable, Codable {
    public var admitted = 0
    public var completed = 0
    public var failed: [FailureReason: Int] = [:]
    public var pending = 0
    public var running = 0

    public init() {}

    public var failedTotal: Int { failed.values.reduce(0, +) }

    /// Whether nothing was lost: every admitted request is finished, pending or running.
    public var isConserved: Bool { admitted == completed + failedTotal + pending + running }
}

/// Percentiles of a latency distribution; nil when nothing was recorded.
public struct LatencySummary: Equatable, Sendable, Codable {
    public var count: Int
    public var p50: Duration?
    public var p90: Duration?
    public var p99: Duration?
    public var max: Duration?

    public init(count: Int = 0, p50: Duration? = nil, p90: Duration? = nil, p99: Duration? = nil, max: Duration? = nil) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}

/// One replica as the dashboard shows it.
public struct ReplicaSnapshot: Equatable, Sendable, Codable {
    public var id: ReplicaID
    public var node: String
    public var zone: String
    public var state: ReplicaState
    public var maxOngoingRequests: Int
    /// The router's best knowledge of its queue length, and where that figure came from.
    public var queueLength: Int
    public var queueSource: QueueLengthSource
    /// Age of the cache entry, when there is one.
    public var cacheAge: Duration?
    /// Requests sent to it and not yet finished.
    public var inFlight: Int
    public var routed: Int
    public var completed: Int
    /// Requests it refused because it was full.
    public var rejected: Int
    /// Probe answers that said it was full.
    public var fullAnswers: Int
    /// Upstream failures of forwarded requests (refused connection, reset, died), and the last cause.
    public var errors: Int
    public var lastError: String?
    public var probeTimeouts: Int
    /// True while its last probe timed out (no answer since).
    public var lastProbeTimedOut: Bool
    /// Failed routing attempts in which it was a candidate.
    public var retriesAttributed: Int
    /// Round trip of its last answered probe.
    public var probeRTT: Duration?
    public var latencyP50: Duration?
    public var latencyP99: Duration?
    /// Requests routed to it per second, last full second.
    public var rate: Double
    /// Requests routed per second, one value a second, oldest first.
    public var rateHistory: [Double]
    /// A fault injected into a simulated replica, in words.
    public var fault: String?
    /// The models it reported holding; nil when it never reported any.
    public var models: ReplicaModels?

    public init(
        id: ReplicaID,
        node: String,
        zone: String,
        state: ReplicaState,
        maxOngoingRequests: Int,
        queueLength: Int,
        queueSource: QueueLengthSource,
        cacheAge: Duration? = nil,
        inFlight: Int,
        routed: Int,
        completed: Int,
        rejected: Int,
        fullAnswers: Int = 0,
        errors: Int = 0,
        lastError: String? = nil,
        probeTimeouts: Int,
        lastProbeTimedOut: Bool = false,
        retriesAttributed: Int,
        probeRTT: Duration? = nil,
        latencyP50: Duration? = nil,
        latencyP99: Duration? = nil,
        rate: Double,
        rateHistory: [Double],
        fault: String? = nil
    ) {
        self.id = id
        self.node = node
        self.zone = zone
        self.state = state
        self.maxOngoingRequests = maxOngoingRequests
        self.queueLength = queueLength
        self.queueSource = queueSource
        self.cacheAge = cacheAge
        self.inFlight = inFlight
        self.routed = routed
        self.completed = completed
        self.rejected = rejected
        self.fullAnswers = fullAnswers
        self.errors = errors
        self.lastError = lastError
        self.probeTimeouts = probeTimeouts
        self.lastProbeTimedOut = lastProbeTimedOut
        self.retriesAttributed = retriesAttributed
        self.probeRTT = probeRTT
        self.latencyP50 = latencyP50
        self.latencyP99 = latencyP99
        self.rate = rate
        self.rateHistory = rateHistory
        self.fault = fault
    }
}

/// Where a queue-length figure came from.
public enum QueueLengthSource: String, Sendable, Codable {
    /// A probe answer, unchanged since.
    case probe
    /// A cached probe answer, adjusted by the requests sent and finished since.
    case cache
    /// The router's own count of requests in flight to it (no fresh entry, or no probe endpoint).
    case local
}

/// A routing task that failed at least one attempt and has not yet found a replica.
public struct BackoffTimerSnapshot: Equatable, Sendable, Codable {
    public var taskID: Int
    /// The oldest request waiting when the task's current search began.
    public var requestID: RequestID?
    /// Failed attempts so far; the next attempt is number `failedAttempts + 1`.
    public var failedAttempts: Int
    /// The wait after the last failed attempt (zero for the immediate first retry).
    public var wait: Duration
    public var inBackoffSince: EngineTime
    /// When it wakes for its next attempt; nil while it is attempting (probing) now.
    public var wakeAt: EngineTime?

    public init(
        taskID: Int,
        requestID: RequestID? = nil,
        failedAttempts: Int,
        wait: Duration,
        inBackoffSince: EngineTime,
        wakeAt: EngineTime? = nil
    ) {
        self.taskID = taskID
        self.requestID = requestID
        self.failedAttempts = failedAttempts
        self.wait = wait
        self.inBackoffSince = inBackoffSince
        self.wakeAt = wakeAt
    }
}

/// A routing task waiting on a probe of one replica.
public struct ProbeWaitSnapshot: Equatable, Sendable, Codable {
    public var taskID: Int
    public var requestID: RequestID?
    public var replica: ReplicaID
    /// When the probe it waits on was sent.
    public var probeSentAt: EngineTime

    public init(taskID: Int, requestID: RequestID? = nil, replica: ReplicaID, probeSentAt: EngineTime) {
        self.taskID = taskID
        self.requestID = requestID
        self.replica = replica
        self.probeSentAt = probeSentAt
    }
}

/// The number of requests that were assigned after a given number of routing attempts.
public struct AttemptBucket: Equatable, Sendable, Codable {
    public var attempts: Int
    public var requests: Int

    public init(
        attempts: Int,
        requests: Int
    ) {
        self.attempts = attempts
        self.requests = requests
    }

    enum CodingKeys: String, CodingKey {
        case attempts, requests
    }
}

/// Retry counters across the router's life.
public struct RetryTotals: Equatable, Sendable, Codable {
    /// Routing attempts that found no replica.
    public var failedAttempts = 0
    /// Backoff sleeps taken (the immediate first retries are not sleeps).
    public var backoffSleeps = 0
    /// Requests routed again after a replica failed or refused them.
    public var reroutes = 0
    /// Warnings for long searches (one every 50 failed attempts).
    public var warnings = 0
    /// Sends that found their replica unavailable (Ray's `ActorUnavailableError`) and were routed again.
    public var unavailableSends = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case failedAttempts = "failed_attempts"
        case backoffSleeps = "backoff_sleeps"
        case unavailableSends = "unavailable_sends"
        case reroutes, warnings
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        failedAttempts = try c.decode(Int.self, forKey: .failedAttempts)
        backoffSleeps = try c.decode(Int.self, forKey: .backoffSleeps)
        reroutes = try c.decode(Int.self, forKey: .reroutes)
        warnings = try c.decode(Int.self, forKey: .warnings)
        // A router that never sends to an unavailable replica (the Ray bridge) leaves it out.
        unavailableSends = try c.decodeIfPresent(Int.self, forKey: .unavailableSends) ?? 0
    }
}

/// Something an operator should see in the event log.
public struct RouterEvent: Equatable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case replica
        case fault
        case settings
        case warning
        case info
    }

    public var time: EngineTime
    public var timeUTC: UTCTime
    public var kind: Kind
    public var message: String
    /// Numbers the router's events from 1, so a client can ask for the ones after those it saw.
    public var sequence: UInt64
    /// The change this event reports, typed (settings, replica, fault and load changes).
    public var change: ChangeRecord?

    public init(
        time: EngineTime, timeUTC: UTCTime = .epoch, kind: Kind, message: String, sequence: UInt64 = 0,
        change: ChangeRecord? = nil
    ) {
        self.time = time
        self.timeUTC = timeUTC
        self.kind = kind
        self.message = message
        self.sequence = sequence
        self.change = change
    }
}

/// The simulated load.
public struct SimulationStatus: Equatable, Sendable, Codable {
    public var requestsPerSecond: Double
    public var arrival: ArrivalProcess

    public init(requestsPerSecond: Double, arrival: ArrivalProcess) {
        self.requestsPerSecond = requestsPerSecond
        self.arrival = arrival
    }

    enum CodingKeys: String, CodingKey {
        case requestsPerSecond = "requests_per_second"
        case arrival
    }
}

/// How simulated requests arrive.
public enum ArrivalProcess: String, Sendable, Codable {
    case poisson
    case constant
}
