import RouterAPI

/// A column of the replica table; every one can be sorted on, shown or not depending on width.
public enum ReplicaColumn: Int, CaseIterable, Sendable {
    // In flight comes right after the queue figure: both change at every refresh, and curses
    // reaches a cell within a few columns with a short relative move instead of a full address.
    case id, location, state, queue, inFlight, source, routed, rejected, probeTimeouts, retries
    case probeRTT, cacheAge, p99, rate, fault
    /// The models it holds and the one it serves most; shown only when some replica reports models.
    case models

    public var title: String {
        switch self {
        case .id: "replica"
        case .location: "node/zone"
        case .state: "state"
        case .queue: "queue"
        case .source: "src"
        case .inFlight: "infl"
        case .routed: "routed"
        case .rejected: "rej"
        case .probeTimeouts: "ptmo"
        case .retries: "retry"
        case .probeRTT: "rtt"
        case .cacheAge: "age"
        case .p99: "p99"
        case .rate: "rate"
        case .fault: "fault"
        case .models: "models"
        }
    }

    /// A longer name for the sort indicator and the help.
    public var longTitle: String {
        switch self {
        case .id: "replica id"
        case .location: "node/zone"
        case .state: "state"
        case .queue: "queue length"
        case .source: "queue figure source"
        case .inFlight: "in flight"
        case .routed: "routed"
        case .rejected: "rejections"
        case .probeTimeouts: "probe timeouts"
        case .retries: "retries attributed"
        case .probeRTT: "probe RTT"
        case .cacheAge: "cache age"
        case .p99: "request p99"
        case .rate: "rate"
        case .fault: "fault"
        case .models: "models held"
        }
    }

    /// The direction of the first press: the busiest replicas, the ones in trouble and the ones
    /// with a fault come to the top.
    var descendingByDefault: Bool {
        switch self {
        case .id, .location, .state, .source: false
        default: true
        }
    }

    var alignsRight: Bool {
        switch self {
        case .inFlight, .routed, .rejected, .probeTimeouts, .retries, .probeRTT, .cacheAge, .p99: true
        default: false
        }
    }

    /// Which columns stay when the terminal is narrow: lower first.
    var priority: Int {
        switch self {
        case .id: 0
        case .state: 1
        case .queue: 2
        case .inFlight: 3
        case .routed: 4
        case .models: 5
        case .source: 6
        case .location: 7
        case .rejected: 8
        case .retries: 9
        case .probeTimeouts: 10
        case .p99: 11
        case .probeRTT: 12
        case .rate: 13
        case .cacheAge: 14
        case .fault: 15
        }
    }

    /// The width when the content does not decide it.
    var baseWidth: Int {
        switch self {
        case .id: 10
        case .location: 13
        case .state: 11
        case .queue: 14
        case .source: 5
        case .inFlight: 4
        case .routed: 7
        case .rejected: 5
        case .probeTimeouts: 4
        case .retries: 6
        case .probeRTT: 6
        case .cacheAge: 6
        case .p99: 6
        case .rate: 14
        case .fault: 16
        case .models: 14
        }
    }
}

/// How the replica table is sorted.
public struct ReplicaSort: Equatable, Sendable {
    public var column: ReplicaColumn
    public var descending: Bool

    public init(column: ReplicaColumn = .id, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }

    /// The next column, in its natural direction.
    func next() -> ReplicaSort {
        let all = ReplicaColumn.allCases
        let following = all[(column.rawValue + 1) % all.count]
        return ReplicaSort(column: following, descending: following.descendingByDefault)
    }
}
