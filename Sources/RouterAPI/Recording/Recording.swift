/// A router's recent traffic, as `GET /v1/recording` answers it and `simulate --replay` reads it:
/// what arrived, how each replica behaved, what changed, and what the router saw over the window.
///
/// Times are engine seconds or milliseconds (the key says which); the long per-event lists are
/// stored column by column (`at_ms[i]` goes with `duration_ms[i]`), which keeps a minute of
/// traffic at a few bytes an event.
public struct Recording: Equatable, Sendable, Codable {
    /// The window the router keeps (60 s unless configured).
    public var windowS: Double
    /// The engine time of the oldest event kept, and of the moment the recording was taken.
    public var startS: Double
    public var endS: Double
    public var startUTC: UTCTime
    public var endUTC: UTCTime
    /// The most bytes the recording's lists may use, and each list's capacity.
    public var memoryBoundBytes: Int
    public var limits: Counts
    /// Events dropped because a list was full while they were still inside the window (the window
    /// then covers less than `window_s`: `start_s` says from when).
    public var dropped: Counts
    /// The router's random state when recording began (four 64-bit words, hex), so a replay of a
    /// recording that still holds its whole run draws the same pairs.
    public var randomState: [String]
    /// The settings in force at `start_s` (later changes are in `changes`).
    public var settings: RouterSettings
    public var options: Options
    /// The models requests asked for; `arrivals.model` indexes this list (-1: none).
    public var models: [String]
    public var arrivals: Arrivals
    public var replicas: [Replica]
    public var changes: [Change]
    public var observed: Observed

    public init(
        windowS: Double, startS: Double, endS: Double, startUTC: UTCTime, endUTC: UTCTime, memoryBoundBytes: Int,
        limits: Counts, dropped: Counts, randomState: [String], settings: RouterSettings, options: Options,
        models: [String], arrivals: Arrivals, replicas: [Replica], changes: [Change], observed: Observed
    ) {
        self.windowS = windowS
        self.startS = startS
        self.endS = endS
        self.startUTC = startUTC
        self.endUTC = endUTC
        self.memoryBoundBytes = memoryBoundBytes
        self.limits = limits
        self.dropped = dropped
        self.randomState = randomState
        self.settings = settings
        self.options = options
        self.models = models
        self.arrivals = arrivals
        self.replicas = replicas
        self.changes = changes
        self.observed = observed
    }

    enum CodingKeys: String, CodingKey {
        case limits, dropped, settings, options, models, arrivals, replicas, changes, observed
        case windowS = "window_s"
        case startS = "start_s"
        case endS = "end_s"
        case startUTC = "start_utc"
        case endUTC = "end_utc"
        case memoryBoundBytes = "memory_bound_bytes"
        case randomState = "random_state"
    }

    /// One number per kind of event the recording keeps.
    public struct Counts: Equatable, Sendable, Codable {
        public var arrivals: Int
        public var sends: Int
        public var probes: Int
        public var requests: Int
        public var changes: Int

        public init(arrivals: Int = 0, sends: Int = 0, probes: Int = 0, requests: Int = 0, changes: Int = 0) {
            self.arrivals = arrivals
            self.sends = sends
            self.probes = probes
            self.requests = requests
            self.changes = changes
        }
    }

    /// The router's fixed limits a replay needs.
    public struct Options: Equatable, Sendable, Codable {
        public var routingTimeoutS: Double?
        public var maxReroutes: Int
        public var maxPendingRequests: Int
        public var maxRoutingTasks: Int
        public var legacyBackoff: Bool
        public var multiplexRouting: Bool
        public var node: String
        public var zone: String
        public var preferLocal: Bool

        public init(routingTimeoutS: Double?, maxReroutes: Int, maxPendingRequests: Int, maxRoutingTasks: Int,
                    legacyBackoff: Bool, multiplexRouting: Bool, node: String, zone: String, preferLocal: Bool) {
            self.routingTimeoutS = routingTimeoutS
            self.maxReroutes = maxReroutes
            self.maxPendingRequests = maxPendingRequests
            self.maxRoutingTasks = maxRoutingTasks
            self.legacyBackoff = legacyBackoff
            self.multiplexRouting = multiplexRouting
            self.node = node
            self.zone = zone
            self.preferLocal = preferLocal
        }

        enum CodingKeys: String, CodingKey {
            case node, zone
            case routingTimeoutS = "routing_timeout_s"
            case maxReroutes = "max_reroutes"
            case maxPendingRequests = "max_pending_requests"
            case maxRoutingTasks = "max_routing_tasks"
            case legacyBackoff = "legacy_backoff"
            case multiplexRouting = "multiplex_routing"
            case preferLocal = "prefer_local"
        }
    }

    /// Requests as they arrived: when, and which model each asked for (an index into `models`, -1 none).
    public struct Arrivals: Equatable, Sendable, Codable {
        public var atMs: [Double]
        public var model: [Int]

        public init(atMs: [Double] = [], model: [Int] = []) {
            self.atMs = atMs
            self.model = model
        }

        enum CodingKeys: String, CodingKey {
            case model
            case atMs = "at_ms"
        }
    }

    /// One replica as the router saw it.
    public struct Replica: Equatable, Sendable, Codable {
        public var id: String
        public var node: String
        public var zone: String
        public var configuredMax: Int
        /// The most requests it took at once: its own report once it made one.
        public var effectiveMax: Int
        public var answersProbes: Bool
        public var sends: Sends
        public var probes: Probes
        /// When it was unavailable, within the window: from the first sign to halfway between its last
        /// unavailable answer and the first question asked after the window opened that it answered.
        public var unavailable: [Window]
        /// When it was first seen dead, if it died.
        public var deadAtS: Double?

        public init(id: String, node: String, zone: String, configuredMax: Int, effectiveMax: Int, answersProbes: Bool,
                    sends: Sends, probes: Probes, unavailable: [Window], deadAtS: Double?) {
            self.id = id
            self.node = node
            self.zone = zone
            self.configuredMax = configuredMax
            self.effectiveMax = effectiveMax
            self.answersProbes = answersProbes
            self.sends = sends
            self.probes = probes
            self.unavailable = unavailable
            self.deadAtS = deadAtS
        }

        enum CodingKeys: String, CodingKey {
            case id, node, zone, sends, probes, unavailable
            case configuredMax = "configured_max"
            case effectiveMax = "effective_max"
            case answersProbes = "answers_probes"
            case deadAtS = "dead_at_s"
        }
    }

    /// Requests sent to a replica: when, how long until they ended, and how (a `SendOutcomeName`).
    public struct Sends: Equatable, Sendable, Codable {
        public var atMs: [Double]
        public var durationMs: [Double]
        public var outcome: [String]

        public init(atMs: [Double] = [], durationMs: [Double] = [], outcome: [String] = []) {
            self.atMs = atMs
            self.durationMs = durationMs
            self.outcome = outcome
        }

        enum CodingKeys: String, CodingKey {
            case outcome
            case atMs = "at_ms"
            case durationMs = "duration_ms"
        }
    }

    /// Queue-length probes of a replica: when sent, the round trip (null: no answer in time), the answer.
    public struct Probes: Equatable, Sendable, Codable {
        public var atMs: [Double]
        public var roundTripMs: [Double?]
        public var answer: [String]

        public init(atMs: [Double] = [], roundTripMs: [Double?] = [], answer: [String] = []) {
            self.atMs = atMs
            self.roundTripMs = roundTripMs
            self.answer = answer
        }

        enum CodingKeys: String, CodingKey {
            case answer
            case atMs = "at_ms"
            case roundTripMs = "round_trip_ms"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(atMs, forKey: .atMs)
            // Explicit nulls, so the columns stay aligned.
            var trips = container.nestedUnkeyedContainer(forKey: .roundTripMs)
            for trip in roundTripMs {
                if let trip { try trips.encode(trip) } else { try trips.encodeNil() }
            }
            try container.encode(answer, forKey: .answer)
        }
    }

    /// A span of engine time; `to_s` is null while it lasts.
    public struct Window: Equatable, Sendable, Codable {
        public var fromS: Double
        public var toS: Double?

        public init(fromS: Double, toS: Double?) {
            self.fromS = fromS
            self.toS = toS
        }

        enum CodingKeys: String, CodingKey {
            case fromS = "from_s"
            case toS = "to_s"
        }
    }

    /// A change to the fleet or the settings.
    public struct Change: Equatable, Sendable, Codable {
        public var atS: Double
        public var kind: Kind
        public var replica: String?
        /// The new settings, for `settings_changed`.
        public var settings: RouterSettings?

        public init(atS: Double, kind: Kind, replica: String? = nil, settings: RouterSettings? = nil) {
            self.atS = atS
            self.kind = kind
            self.replica = replica
            self.settings = settings
        }

        /// What changed.
        public enum Kind: String, Equatable, Sendable, Codable {
            case replicaAdded = "replica_added"
            case replicaRemoved = "replica_removed"
            case replicaDrained = "replica_drained"
            case replicaUndrained = "replica_undrained"
            case settingsChanged = "settings_changed"
        }

        enum CodingKeys: String, CodingKey {
            case kind, replica, settings
            case atS = "at_s"
        }
    }

    /// What the router itself saw over the window.
    public struct Observed: Equatable, Sendable, Codable {
        public var arrivals: Int
        /// Requests that got a replica, and their fulfilment latency (arrival to assignment).
        public var fulfilled: Int
        public var fulfillmentP50Ms: Double?
        public var fulfillmentP99Ms: Double?
        public var attemptsPerRequest: Double?
        public var failedAttempts: Int
        public var backoffSleeps: Int
        public var failures: [String: Int]

        public init(arrivals: Int, fulfilled: Int, fulfillmentP50Ms: Double?, fulfillmentP99Ms: Double?,
                    attemptsPerRequest: Double?, failedAttempts: Int, backoffSleeps: Int, failures: [String: Int]) {
            self.arrivals = arrivals
            self.fulfilled = fulfilled
            self.fulfillmentP50Ms = fulfillmentP50Ms
            self.fulfillmentP99Ms = fulfillmentP99Ms
            self.attemptsPerRequest = attemptsPerRequest
            self.failedAttempts = failedAttempts
            self.backoffSleeps = backoffSleeps
            self.failures = failures
        }

        enum CodingKeys: String, CodingKey {
            case arrivals, fulfilled, failures
            case fulfillmentP50Ms = "fulfillment_p50_ms"
            case fulfillmentP99Ms = "fulfillment_p99_ms"
            case attemptsPerRequest = "attempts_per_request"
            case failedAttempts = "failed_attempts"
            case backoffSleeps = "backoff_sleeps"
        }
    }
}

/// How a send ended, as the recording names it.
public enum SendOutcomeName {
    public static let completed = "completed"
    public static let refused = "refused"
    public static let failedBeforeResponse = "failed_before_response"
    public static let failedMidResponse = "failed_mid_response"
    public static let replicaDied = "replica_died"
    public static let connectionRefused = "connection_refused"
    /// The router called it off (the request was cancelled or timed out).
    public static let cancelled = "cancelled"
    /// The replica could not take the call (Ray's `ActorUnavailableError`); nothing ran on it.
    public static let actorUnavailable = "actor_unavailable"
}

/// What a probe answered, as the recording names it.
public enum ProbeAnswerName {
    public static let queueLength = "queue_length"
    public static let unavailable = "unavailable"
    public static let dead = "dead"
    public static let unsupported = "unsupported"
    public static let unexpected = "unexpected"
    /// No answer before the router gave up on it.
    public static let timeout = "timeout"
}
