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
    ///
    /// Each replica is one slot of an array found through a dictionary and changed in place: a
    /// fleet of 16 routers of 1,024 replicas is 16,384 rows a refresh, so no row is copied.
    public static func merge(_ routers: [(name: String, snapshot: RouterSnapshot)]) -> [FleetReplica] {
        var slots: [ReplicaID: Int] = [:]
        var merged: [FleetReplica] = []
        var seen: [UInt8] = []
        let states = ReplicaState.allCases
        for router in routers {
            slots.reserveCapacity(router.snapshot.replicas.count)
            for replica in router.snapshot.replicas {
                let bit = UInt8(1) << (states.firstIndex(of: replica.state) ?? 0)
                if let slot = slots[replica.id] {
                    merged[slot].seenBy.append(router.name)
                    merged[slot].queueMin = min(merged[slot].queueMin, replica.queueLength)
                    merged[slot].queueMax = max(merged[slot].queueMax, replica.queueLength)
                    merged[slot].inFlight += replica.inFlight
                    merged[slot].routed += replica.routed
                    seen[slot] |= bit
                } else {
                    slots[replica.id] = merged.count
                    merged.append(FleetReplica(
                        id: replica.id, seenBy: [router.name], queueMin: replica.queueLength,
                        queueMax: replica.queueLength, states: [], inFlight: replica.inFlight, routed: replica.routed
                    ))
                    seen.append(bit)
                }
            }
        }
        for slot in merged.indices {
            merged[slot].states = states.indices.filter { seen[slot] & (UInt8(1) << $0) != 0 }.map { states[$0] }
        }
        merged.sort { $0.id.rawValue < $1.id.rawValue }
        return merged
    }
}
