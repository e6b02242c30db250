/// Routing decisions on the cache path alone, one after another, for measuring the decision: the
/// tiers in order, a pair from each, and the lowest trusted length below its maximum. Assigns
/// nothing. Keeps its own pair buffer, reused as a routing task's is, so the figure is the decision's.
@_spi(Benchmarks)
public struct CacheDecisions {
    private let router: Router
    private var pair: [ReplicaRecord] = []

    public init(router: Router) {
        self.router = router
        pair.reserveCapacity(2)
    }

    /// One decision: the replica chosen, or nil when no tier has one with a trusted length below its maximum.
    public mutating func decide() -> ReplicaID? {
        for tier in [router.nodeTier, router.zoneTier, router.allTier] where !tier.isEmpty {
            router.pickPair(from: tier, into: &pair)
            if let chosen = router.chooseFromCache(pair) { return chosen.id }
        }
        return nil
    }
}
