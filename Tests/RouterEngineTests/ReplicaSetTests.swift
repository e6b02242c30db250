import Testing
@testable import RouterEngine

/// The replica set on its own: membership by id, the locality tiers and when they are rebuilt, and
/// the bounded set of models sent to the fewest-models set.
@Suite("Replica set")
struct ReplicaSetTests {
    private let scheduler = VirtualScheduler()
    private let here = Locality(node: "node-a", zone: "zone-1")

    private func record(_ id: String, node: String = "node-a", zone: String = "zone-1",
                        state: ReplicaState = .healthy) -> ReplicaRecord {
        let replica = ReplicaRecord(
            info: ReplicaInfo(id: ReplicaID(id), node: node, zone: zone, maxOngoingRequests: 5),
            connection: ScriptedReplica(scheduler: scheduler)
        )
        replica.state = state
        return replica
    }

    private func ids(_ replicas: [ReplicaRecord]) -> [String] { replicas.map(\.id.rawValue) }

    @Test("replicas are held in the order they came and by id; a stranger with a held id is not held")
    func membership() {
        let set = ReplicaSet(locality: here)
        let first = record("r1"), second = record("r2")
        set.insert(first)
        set.insert(second)
        #expect(ids(set.records) == ["r1", "r2"] && set.count == 2)
        #expect(set["r2"] === second && set["r3"] == nil)
        #expect(set.holds(first) && !set.holds(record("r1")), "same id, another record")
        set.remove(first)
        #expect(ids(set.records) == ["r2"] && set["r1"] == nil && !set.holds(first))
        set.remove(first)
        #expect(set.count == 1, "removing what is not held changes nothing")
    }

    @Test("tiers: own node, own zone and all, of the healthy replicas while there are any")
    func tiersByLocality() {
        let set = ReplicaSet(locality: here)
        set.insert(record("near"))
        set.insert(record("zone", node: "node-b"))
        set.insert(record("far", node: "node-c", zone: "zone-2"))
        set.insert(record("new", state: .probing))
        set.insert(record("down", state: .unavailable))
        let tiers = set.currentTiers()
        #expect(ids(tiers.node) == ["near"])
        #expect(ids(tiers.zone) == ["near", "zone"])
        #expect(ids(tiers.all) == ["near", "zone", "far"])
    }

    @Test("without healthy replicas the tiers take those not yet probed, then every routable one")
    func tiersFallBack() {
        let set = ReplicaSet(locality: here)
        let new = record("new", state: .probing), down = record("down", state: .unavailable)
        let draining = record("draining", state: .draining), leaving = record("leaving")
        leaving.isLeaving = true
        for replica in [new, down, draining, leaving] { set.insert(replica) }
        #expect(ids(set.currentTiers().all) == ["new"])
        new.state = .unavailable
        set.tiersChanged()
        #expect(ids(set.currentTiers().all) == ["new", "down"], "draining and leaving ones are never candidates")
    }

    @Test("the tiers are rebuilt when read after a change, not before")
    func tiersRebuiltWhenStale() {
        let set = ReplicaSet(locality: here)
        let replica = record("r1")
        set.insert(replica)
        #expect(ids(set.currentTiers().all) == ["r1"])
        replica.state = .draining
        #expect(ids(set.currentTiers().all) == ["r1"], "a state change is seen only once it is told")
        set.tiersChanged()
        #expect(set.currentTiers().all.isEmpty)
        replica.state = .healthy
        set.insert(record("r2"))
        #expect(ids(set.currentTiers().all) == ["r1", "r2"], "an insertion makes the tiers stale by itself")
    }

    @Test("shutting down cancels every replica's recovery, inference and probe-deadline timers and forgets the replicas")
    func shutDown() {
        let set = ReplicaSet(locality: here)
        let replica = record("r1")
        set.insert(replica)
        let recovery = RecordedCancel(), inference = RecordedCancel(), deadline = RecordedCancel()
        replica.recoveryTimer = recovery
        replica.inferenceProbeTimer = inference
        replica.probe = ProbeInFlight(issuedAt: .zero, deadline: .ms(100))
        replica.probe?.timer = deadline
        set.shutDown()
        #expect(recovery.cancelled && inference.cancelled && deadline.cancelled)
        #expect(replica.recoveryTimer == nil && replica.inferenceProbeTimer == nil && replica.probe == nil)
        #expect(set.count == 0 && set["r1"] == nil && set.currentTiers().all.isEmpty)
    }

    @Test("the fallback match set remembers up to its capacity, counts what it cannot, and forgets held models")
    func fallbackMatch() {
        let set = ReplicaSet(locality: here)
        for index in 0..<ReplicaSet.fallbackMatchCapacity { set.rememberFallback("m\(index)") }
        #expect(set.isFallbackMatch("m0") && set.modelTally.fallbacksNotRemembered == 0)
        set.rememberFallback("m0")
        #expect(set.modelTally.fallbacksNotRemembered == 0, "one remembered already is not counted")
        set.rememberFallback("extra")
        #expect(!set.isFallbackMatch("extra") && set.modelTally.fallbacksNotRemembered == 1)
        set.holdersFound(for: "m0")
        #expect(!set.isFallbackMatch("m0"))
        set.rememberFallback("extra")
        #expect(set.isFallbackMatch("extra"), "the place m0 left is taken")
    }
}
