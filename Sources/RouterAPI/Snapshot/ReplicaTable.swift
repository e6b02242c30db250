/// A replica table kept from a stream's lines (`view=summary` or `view=delta`): each line changes
/// only the rows it names, in place, so a client's work per line follows what changed, not the
/// table's size.
///
/// Rows keep the order they first came in (the router's on a stream's first line); new replicas
/// go last and removed ones close up. `version` counts the changes, so a reader can tell an
/// unchanged table without comparing its rows.
public struct ReplicaTable: Sendable {
    public private(set) var rows: [ReplicaSnapshot] = []
    /// Goes up each time a line adds, changes or removes a row (cache entries ageing do not count).
    public private(set) var version = 0
    private var index: [ReplicaID: Int] = [:]

    public init(_ rows: [ReplicaSnapshot] = []) {
        replaceAll(with: rows)
    }

    /// Replaces every row, as a stream's first line (a full snapshot) does.
    public mutating func replaceAll(with rows: [ReplicaSnapshot]) {
        self.rows = rows
        index = Dictionary(rows.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        version += 1
    }

    /// Applies a summary line: its figures (state, queue length, in flight, routed) on the rows it
    /// names; a replica first met in a summary gets a row with only those figures.
    public mutating func apply(summary: RouterSnapshot) {
        remove(summary.replicasGone ?? [])
        for change in summary.replicaChanges ?? [] {
            var row = index[change.id].map { rows[$0] } ?? ReplicaSnapshot(
                id: change.id, node: "-", zone: "-", state: change.state, maxOngoingRequests: 0, queueLength: 0,
                queueSource: .probe, inFlight: 0, routed: 0, completed: 0, rejected: 0, probeTimeouts: 0,
                retriesAttributed: 0, rate: 0, rateHistory: [])
            row.state = change.state
            row.queueLength = change.queueLength
            row.inFlight = change.inFlight
            row.routed = change.routed
            put(row)
        }
    }

    /// Applies a delta line that follows a line taken at `previous`: the rows it carries replace
    /// those of the same id, whole; the others' cache entries are older by the time between.
    public mutating func apply(delta: RouterSnapshot, after previous: EngineTime) {
        remove(delta.replicasGone ?? [])
        let elapsed = delta.time - previous
        if elapsed != .zero {
            for at in rows.indices where rows[at].cacheAge != nil { rows[at].cacheAge! += elapsed }
        }
        for row in delta.replicas { put(row) }
    }

    private mutating func put(_ row: ReplicaSnapshot) {
        if let at = index[row.id] {
            guard rows[at] != row else { return }
            rows[at] = row
        } else {
            index[row.id] = rows.count
            rows.append(row)
        }
        version += 1
    }

    private mutating func remove(_ gone: [ReplicaID]) {
        let gone = Set(gone).filter { index[$0] != nil }
        guard !gone.isEmpty else { return }
        rows.removeAll { gone.contains($0.id) }
        index = Dictionary(rows.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        version += 1
    }
}
