/// How much of the router a snapshot carries.
public enum SnapshotView: String, Equatable, Sendable, Codable {
    /// Everything the dashboard draws.
    case full
    /// What a fleet of routers needs, for a client watching many: no replica rows but the replica
    /// figures that changed, no backoff timers or probe waits (their counts stay), and only the
    /// events after the ones already sent.
    case summary
    /// A line of a delta stream after its first: every router-level figure, and of the replicas
    /// and events only what changed since the line before (`RouterSnapshot.delta(after:)`).
    case delta
}

/// One replica as a fleet sees it: the figures routers are compared on.
public struct ReplicaSummary: Equatable, Hashable, Sendable, Codable {
    public var id: ReplicaID
    public var state: ReplicaState
    public var queueLength: Int
    public var inFlight: Int
    public var routed: Int

    public init(id: ReplicaID, state: ReplicaState, queueLength: Int, inFlight: Int, routed: Int) {
        self.id = id
        self.state = state
        self.queueLength = queueLength
        self.inFlight = inFlight
        self.routed = routed
    }

    public init(_ replica: ReplicaSnapshot) {
        self.init(id: replica.id, state: replica.state, queueLength: replica.queueLength, inFlight: replica.inFlight,
                  routed: replica.routed)
    }

    enum CodingKeys: String, CodingKey {
        case id, state, routed
        case queueLength = "queue_length"
        case inFlight = "in_flight"
    }
}

/// What a summary stream has sent so far: the events and each replica's figures as last sent.
public struct SummaryMark: Sendable {
    public var eventsAfter: UInt64 = 0
    public var replicas: [ReplicaID: ReplicaSummary] = [:]

    public init() {}
}

extension RouterSnapshot {
    /// The most events a summary carries when its client has seen none.
    public static let summaryFirstEvents = 20

    /// This snapshot as a summary after `mark` (a fresh mark: everything), and the mark it leaves:
    /// `replica_changes` holds the replicas whose figures changed, `replicas_gone` those removed.
    public func summary(after mark: SummaryMark = SummaryMark()) -> (summary: RouterSnapshot, mark: SummaryMark) {
        var summary = self
        var next = SummaryMark()
        summary.view = .summary
        summary.replicas = []
        summary.backoffTimers = []
        summary.probeWaits = []
        summary.events = mark.eventsAfter == 0
            ? Array(events.suffix(Self.summaryFirstEvents)) : events.filter { $0.sequence > mark.eventsAfter }
        next.eventsAfter = summary.events.last?.sequence ?? mark.eventsAfter
        var changes: [ReplicaSummary] = []
        for replica in replicas {
            let row = ReplicaSummary(replica)
            next.replicas[replica.id] = row
            if mark.replicas[replica.id] != row { changes.append(row) }
        }
        summary.replicaChanges = changes
        summary.replicasGone = mark.replicas.keys.filter { next.replicas[$0] == nil }.sorted()
        summary.replicaCount = replicas.count
        return (summary, next)
    }
}
