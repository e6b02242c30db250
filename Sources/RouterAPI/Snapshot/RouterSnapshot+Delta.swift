/// What a delta stream (`view=delta`) has sent so far: when, the last event, and each replica's
/// row as the router read it for the last line; no rows until the stream's first line (the whole
/// snapshot). The client's copy of a row not sent differs from it only by a cache age off by the
/// clock's per-row reads, which does not add up from line to line (each line compares with the
/// router's last reading, so the client's offset stays that of the first and the last reading).
public struct DeltaMark: Sendable {
    public var time = EngineTime.zero
    public var eventsAfter: UInt64 = 0
    public var replicas: [ReplicaID: ReplicaSnapshot]?

    public init() {}
}

extension RouterSnapshot {
    /// How far a cache age aged by the time between lines may be from the one read now and still
    /// count as the same entry. The router reads its clock again for each replica's row, so with
    /// 1,024 replicas on a busy machine a row's age lies a few milliseconds off the snapshot's
    /// time; a new entry's age is far off. What the client shows is off by this at most.
    public static let deltaAgeTolerance = Duration.milliseconds(50)

    /// This snapshot as a delta stream's next line after `mark`, and the mark it leaves.
    ///
    /// The first line (a fresh mark) is the whole snapshot. Later ones carry every router-level
    /// figure, backoff timers and probe waits whole, and of the replicas and events only what
    /// changed: `replicas` holds the rows that differ from the client's (each row whole),
    /// `replicas_gone` the replicas removed, `replica_count` how many there are, and `events` the
    /// events after the last one sent. A cache entry's age grows with the clock, so a row whose
    /// only change is that age is not sent: the client ages the rows it keeps by the time between
    /// lines (`agedRows(by:)`), which gives the same figure.
    public func delta(after mark: DeltaMark = DeltaMark()) -> (delta: RouterSnapshot, mark: DeltaMark) {
        var next = DeltaMark()
        next.time = time
        next.eventsAfter = events.last?.sequence ?? mark.eventsAfter
        var rows: [ReplicaID: ReplicaSnapshot] = [:]
        rows.reserveCapacity(replicas.count)
        for replica in replicas { rows[replica.id] = replica }
        next.replicas = rows
        guard let sent = mark.replicas else { return (self, next) }
        let elapsed = time - mark.time
        var delta = self
        delta.view = .delta
        delta.replicas = replicas.filter { replica in
            guard var known = sent[replica.id] else { return true }
            // The same entry, aged: within the tolerance, not exactly (the clock is read per row).
            if let aged = known.cacheAge.map({ $0 + elapsed }), let age = replica.cacheAge,
               aged - age <= Self.deltaAgeTolerance, age - aged <= Self.deltaAgeTolerance {
                known.cacheAge = age
            }
            return known != replica
        }
        delta.replicasGone = sent.keys.filter { rows[$0] == nil }.sorted()
        delta.replicaCount = replicas.count
        delta.events = events.filter { $0.sequence > mark.eventsAfter }
        return (delta, next)
    }
}
