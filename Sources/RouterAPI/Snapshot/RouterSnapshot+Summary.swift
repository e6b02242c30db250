/// How much of the router a snapshot carries.
public enum SnapshotView: String, Equatable, Sendable, Codable {
    /// Everything the dashboard draws.
    case full
    /// What a fleet of routers needs, for a client watching many: replica rows without their rate
    /// history, no backoff timers or probe waits (their counts stay), and only the events after
    /// the ones already sent.
    case summary
}

extension RouterSnapshot {
    /// The most events a summary carries when its client has seen none.
    public static let summaryFirstEvents = 20

    /// This snapshot as a summary: the events numbered after `eventsAfter` (the last
    /// `summaryFirstEvents` when it is 0).
    public func summary(eventsAfter: UInt64) -> RouterSnapshot {
        var summary = self
        summary.view = .summary
        for index in summary.replicas.indices { summary.replicas[index].rateHistory = [] }
        summary.backoffTimers = []
        summary.probeWaits = []
        summary.events = eventsAfter == 0
            ? Array(events.suffix(Self.summaryFirstEvents)) : events.filter { $0.sequence > eventsAfter }
        return summary
    }
}
