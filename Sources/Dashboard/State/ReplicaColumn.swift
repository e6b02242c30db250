import RouterAPI

/// A column of the replica table; every one can be sorted on, shown or not depending on width.
public enum ReplicaColumn: Int, CaseIterable, Sendable {
    // In flight comes right after the queue figure: both change at every refresh, and curses
    // reaches a cell within a few columns with a short relative move instead of a full address.
    case id, location, state, queue, inFlight, source, routed, errors, rejected, fullAnswers, probeTimeouts
    case retries, probeRTT, cacheAge, p99, rate, fault
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
        case .errors: "err"
        case .rejected: "rej"
        case .fullAnswers: "full"
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
        case .errors: "upstream errors"
        case .rejected: "refused requests"
        case .fullAnswers: "full answers"
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

    /// What the column shows, for the help's legend.
    public var legend: String {
        switch self {
        case .id: "the replica's id (host:port in proxy mode)"
        case .location: "its node/zone, for the locality tiers"
        case .state: "healthy/probing/unavailable/dead/draining; slow N: timeouts"
        case .queue: "queue length / max ongoing, as the router knows it"
        case .inFlight: "requests sent to it and not yet finished"
        case .source: "probe: fresh answer, cache: adjusted, local: own count"
        case .routed: "requests routed to it since start"
        case .errors: "upstream failures: refused, reset, died, no answer"
        case .rejected: "requests it refused as full (sent elsewhere)"
        case .fullAnswers: "probe answers that said it was full"
        case .probeTimeouts: "probes unanswered within the probe deadline"
        case .retries: "failed routing attempts it was a candidate in"
        case .probeRTT: "round trip of its last probe; tmo: it timed out"
        case .cacheAge: "age of its cached queue length"
        case .p99: "request latency p99, recent window"
        case .rate: "requests routed per second: last 60 s, last second"
        case .fault: "fault injected (simulated fleet), marked ! after the state"
        case .models: "models it reported holding (count, most used)"
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
        case .inFlight, .routed, .errors, .rejected, .fullAnswers, .probeTimeouts, .retries, .probeRTT, .cacheAge, .p99:
            true
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
        case .errors: 4
        case .routed: 5
        case .models: 6
        case .source: 7
        case .location: 8
        case .rejected: 9
        case .probeTimeouts: 10
        case .fullAnswers: 11
        case .retries: 12
        case .p99: 13
        case .probeRTT: 14
        case .rate: 15
        case .cacheAge: 16
        case .fault: 17
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
        case .errors: 5
        case .rejected: 5
        case .fullAnswers: 5
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

    /// The next column among `shown` (the table's order, wrapping around), in its natural direction;
    /// every column when `shown` is empty.
    func next(among shown: Set<ReplicaColumn> = []) -> ReplicaSort { step(by: 1, among: shown) }

    /// The previous column among `shown`, in its natural direction: `S` cycles back.
    func previous(among shown: Set<ReplicaColumn> = []) -> ReplicaSort { step(by: -1, among: shown) }

    private func step(by offset: Int, among shown: Set<ReplicaColumn>) -> ReplicaSort {
        let all = ReplicaColumn.allCases
        var index = column.rawValue
        // A column the table does not show is never the sort's next stop: it is passed over.
        for _ in all.indices {
            index = (index + offset + all.count) % all.count
            let candidate = all[index]
            if shown.isEmpty || shown.contains(candidate) {
                return ReplicaSort(column: candidate, descending: candidate.descendingByDefault)
            }
        }
        return self
    }
}
