/// The replicas a router holds: in the order they were added and by id, sorted into the locality
/// tiers routing draws from, and what their model reports add up to. The tiers are rebuilt when
/// read after a change, not at every change: a reload of thousands of replicas changes states
/// thousands of times between two requests. Takes no time; the replicas' timers are the router's,
/// and can be cancelled here. A class, unlike the other parts: the router asks it whether it holds
/// a replica on every probe answer, and a struct stored in the router is copied whole (each field
/// retained) for such a read: `steady.toml` ran 3 % more instructions with a struct, 2 % fewer
/// than before the split with this class.
final class ReplicaSet {
    /// Routable replicas by locality: own node, own zone, all (a tier may be empty).
    struct Tiers {
        var node: [ReplicaRecord] = []
        var zone: [ReplicaRecord] = []
        var all: [ReplicaRecord] = []
    }

    /// The most models remembered as sent to the fewest-models set before any replica reported
    /// them; beyond it a model is treated as never seen (counted).
    static let fallbackMatchCapacity = 10_000

    private let locality: Locality
    /// Every replica held, those leaving included, in the order they were added.
    private(set) var records: [ReplicaRecord] = []
    private var byID: [ReplicaID: ReplicaRecord] = [:]
    private var tiers = Tiers()
    private var tiersAreStale = false
    /// Models sent to the fewest-models set before any replica reported holding them (Ray's
    /// fallback match set), bounded by `fallbackMatchCapacity`.
    private var fallbackMatch: Set<String> = []
    /// The running counts of multiplexed routing.
    var modelTally = ModelTally()

    init(locality: Locality) {
        self.locality = locality
    }

    /// The replica held under `id`, leaving or not.
    subscript(id: ReplicaID) -> ReplicaRecord? { byID[id] }

    /// Whether `replica` is the one held under its id (not one that left, nor a stranger).
    func holds(_ replica: ReplicaRecord) -> Bool { byID[replica.id] === replica }

    var count: Int { records.count }

    /// Adds a replica whose id is not held yet.
    func insert(_ replica: ReplicaRecord) {
        precondition(byID[replica.id] == nil, "replica \(replica.id) is held already")
        records.append(replica)
        byID[replica.id] = replica
        tiersAreStale = true
    }

    /// Forgets a replica; one not held is ignored.
    func remove(_ replica: ReplicaRecord) {
        guard holds(replica) else { return }
        byID[replica.id] = nil
        records.removeAll { $0 === replica }
        tiersAreStale = true
    }

    /// A replica's state changed: the tiers are rebuilt when next read.
    func tiersChanged() {
        tiersAreStale = true
    }

    /// The candidate sets of routing, from own node to all.
    var nodeTier: [ReplicaRecord] {
        refreshTiers()
        return tiers.node
    }
    var zoneTier: [ReplicaRecord] {
        refreshTiers()
        return tiers.zone
    }
    var allTier: [ReplicaRecord] {
        refreshTiers()
        return tiers.all
    }

    /// The tiers, rebuilt if stale (see `refreshTiers`).
    func currentTiers() -> Tiers {
        refreshTiers()
        return tiers
    }

    /// Rebuilds the tiers if stale. The healthy replicas, while there are any; else those not yet
    /// probed; else, when every routable replica is unavailable, all of them, so routing never
    /// stalls on the router's own bookkeeping. A replica known unavailable is left out as HAProxy
    /// and Envoy skip servers their checks mark down, and a replica not yet heard from waits for its
    /// first probe as with Envoy's `ignore_new_hosts_until_first_hc`: a reload of thousands of
    /// replicas does not send requests to probe them.
    private func refreshTiers() {
        guard tiersAreStale else { return }
        tiersAreStale = false
        let routable = records.filter(\.isRoutable)
        var all = routable.filter { $0.state == .healthy }
        if all.isEmpty { all = routable.filter { $0.state == .probing } }
        if all.isEmpty { all = routable }
        tiers = Tiers(node: all.filter { $0.info.node == locality.node },
                      zone: all.filter { $0.info.zone == locality.zone }, all: all)
    }

    /// Ends every replica (its recovery and model-inference timers cancelled, its probe called off)
    /// and forgets them all, for `Router.shutdown()`.
    func shutDown() {
        for replica in records { replica.shutDown() }
        records = []
        byID = [:]
        tiers = Tiers()
        tiersAreStale = false
    }

    // MARK: Model reports

    /// Whether a request for `model` already went to the fewest-models set while no replica held it.
    func isFallbackMatch(_ model: String) -> Bool { fallbackMatch.contains(model) }

    /// A replica holds `model` now: the fallback is over.
    func holdersFound(for model: String) {
        fallbackMatch.remove(model)
    }

    /// A request for `model` goes to the fewest-models set; remembered unless the set is full
    /// (then counted).
    func rememberFallback(_ model: String) {
        guard !fallbackMatch.contains(model) else { return }
        guard fallbackMatch.count < Self.fallbackMatchCapacity else {
            modelTally.fallbacksNotRemembered += 1
            return
        }
        fallbackMatch.insert(model)
    }
}
