import RouterAPI

/// One replica as the fleet's routers see it: how many see it and whether they agree.
public struct FleetReplica: Equatable, Sendable {
    public var id: ReplicaID
    /// The routers that list it, by name.
    public var seenBy: [String]
    /// The queue length the routers see, smallest and largest.
    public var queueMin: Int
    public var queueMax: Int
    /// Every state some router gives it, in the order of `ReplicaState.allCases`.
    public var states: [ReplicaState]
    /// Summed over the routers.
    public var inFlight: Int
    public var routed: Int

    /// Two routers see its queue more than one slot apart, or see it in different states.
    public var disagrees: Bool { queueMax - queueMin > 1 || states.count > 1 }

    /// The largest queue-length spread the routers may show before it is marked: one slot, since
    /// probes and caches taken a moment apart differ by a request in flight.
    public static let queueTolerance = 1

    /// Merges the replica tables of `routers`, ordered by replica id.
    public static func merge(_ routers: [(name: String, snapshot: RouterSnapshot)]) -> [FleetReplica] {
        var merged: [ReplicaID: FleetReplica] = [:]
        var stateSets: [ReplicaID: Set<ReplicaState>] = [:]
        for router in routers {
            for replica in router.snapshot.replicas {
                stateSets[replica.id, default: []].insert(replica.state)
                if var known = merged[replica.id] {
                    known.seenBy.append(router.name)
                    known.queueMin = min(known.queueMin, replica.queueLength)
                    known.queueMax = max(known.queueMax, replica.queueLength)
                    known.inFlight += replica.inFlight
                    known.routed += replica.routed
                    merged[replica.id] = known
                } else {
                    merged[replica.id] = FleetReplica(
                        id: replica.id, seenBy: [router.name], queueMin: replica.queueLength,
                        queueMax: replica.queueLength, states: [], inFlight: replica.inFlight, routed: replica.routed
                    )
                }
            }
        }
        return merged.keys.sorted { $0.rawValue < $1.rawValue }.compactMap { id in
            guard var replica = merged[id] else { return nil }
            let seen = stateSets[id] ?? []
            replica.states = ReplicaState.allCases.filter { seen.contains($0) }
            return replica
        }
    }
}
