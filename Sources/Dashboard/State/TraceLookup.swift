import RouterAPI

/// The trace lookup (`T`, or Enter on a replica's recent request): the id typed, then the trace
/// the router kept for it, or why there is none.
struct TraceLookup: Equatable {
    enum Phase: Equatable {
        /// The id is being typed.
        case typing
        /// Asked the router; waiting for its traces.
        case loading
        case shown(RequestTrace)
        case notFound(String)
    }

    /// The longest id the prompt takes; longer typing is ignored.
    static let idLimit = 128

    var id = ""
    var phase = Phase.typing
    /// Lines scrolled past at the top of a shown trace.
    var scroll = 0

    /// Takes the router's kept traces: the one the id names, or why none is shown.
    mutating func deliver(_ log: RequestTraceLog) {
        if let trace = log.trace(named: id) {
            phase = .shown(trace)
        } else {
            phase = .notFound(log.noTrace(for: id))
        }
        scroll = 0
    }
}

/// The requests a replica served most recently, newest first, for the replica detail.
struct RecentRequests: Equatable {
    /// How many the detail lists.
    static let limit = 8
    /// How many of the newest traces are searched for them, once a second: a bounded answer from a
    /// router in another process, rather than all it keeps.
    static let scanned = 200

    var replica: ReplicaID
    var traces: [RequestTrace] = []
    /// The request whose trace Enter shows; nil until Tab selects one.
    var selected: UInt64?

    /// The newest traces with a send to `replica`.
    static func of(_ replica: ReplicaID, in log: RequestTraceLog) -> [RequestTrace] {
        Array(log.traces.reversed().lazy.filter { $0.sends.contains { $0.replica == replica.rawValue } }.prefix(limit))
    }
}
