import Testing
@testable import RouterEngine

/// What replicas' answers say about their models: versioned reports, and successes inferred from.
struct ModelEvidenceTests {
    private static let everywhere = Router.Options(
        locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), routingTimeout: nil
    )

    private func models(of id: ReplicaID, in harness: RouterHarness) -> ReplicaModels? {
        harness.router.snapshot(mode: .simulated).replicas.first { $0.id == id }?.models
    }

    @Test func aToldSetIsAdoptedAndAnUnchangedVersionOnlyRefreshesItsAge() {
        let harness = RouterHarness(options: Self.everywhere)
        let replica = harness.addHolder("r1") { [] }
        harness.settle()
        replica.tell(.report(version: 1, models: ["a"]))
        #expect(harness.router.replicaModels("r1") == ["a"])
        harness.run(for: .seconds(3))
        #expect(models(of: "r1", in: harness)?.reportAge == 3)
        replica.tell(.report(version: 1, models: ["ignored"]))
        #expect(harness.router.replicaModels("r1") == ["a"])
        #expect(models(of: "r1", in: harness)?.reportAge == 0)
        replica.tell(.report(version: 2, models: ["b", "c"]))
        #expect(harness.router.replicaModels("r1") == ["b", "c"])
        #expect(harness.router.snapshot(mode: .simulated).models?.loads == 3)
    }

    @Test func aRequestForAModelRoutedFromTheCacheLearnsItsLoadFromTheAnswer() {
        let harness = RouterHarness(options: Self.everywhere)
        let first = harness.addHolder("r1") { [] }
        harness.addHolder("r2") { [] }
        harness.settle()
        let id = harness.submit(model: "m")
        let holder = first.received == [id] ? first : harness.router.replicaSet["r2"]!.connection as! ScriptedReplica
        holder.finishOldest()
        holder.tell(.report(version: 1, models: ["m"]))
        harness.settle()
        for _ in 0..<5 {
            harness.submit(model: "m")
            harness.settle()
        }
        #expect(holder.received.count == 6)
        #expect(harness.router.snapshot(mode: .simulated).models?.hits == 5)
    }

    @Test func aSuccessForAModelItDidNotTellIsInferredUntilTheNextProbeCorrectsIt() {
        let harness = RouterHarness(options: Self.everywhere)
        var held: [String] = []
        let replica = harness.addHolder("r1") { held }
        harness.settle()
        let probesBefore = replica.probeTimes.count
        harness.submit(model: "m")
        #expect(replica.open.count == 1)
        held = ["m"]
        replica.finishOldest()
        replica.tell(.served(model: "m"))
        harness.settle()
        #expect(harness.router.replicaModels("r1") == ["m"])
        #expect(models(of: "r1", in: harness)?.inferred == ["m"])
        #expect(harness.router.snapshot(mode: .simulated).models?.models.first { $0.name == "m" }?.inferredHolders == ["r1"])
        // The replica evicts it; its queue-length entry is fresh, but an inferred model gets it probed.
        held = ["x"]
        harness.run(for: .ms(999))
        #expect(replica.probeTimes.count == probesBefore)
        harness.run(for: .ms(1))
        #expect(replica.probeTimes.count == probesBefore + 1)
        #expect(harness.router.replicaModels("r1") == ["x"])
        #expect(models(of: "r1", in: harness)?.inferred == [])
        harness.run(for: .seconds(3))
        #expect(replica.probeTimes.count == probesBefore + 1, "nothing inferred: no more probes")
    }

    @Test func aReplicaThatTellsItsSetIsNotInferredFrom() {
        let harness = RouterHarness(options: Self.everywhere)
        let replica = harness.addHolder("r1") { [] }
        harness.settle()
        replica.tell(.report(version: 4, models: []))
        replica.tell(.served(model: "m"))
        #expect(harness.router.replicaModels("r1") == [])
        #expect(models(of: "r1", in: harness)?.inferred ?? [] == [])
    }

    @Test func theHitRateOnScreenCoversTheLastFifteenSeconds() {
        let harness = RouterHarness(options: Self.everywhere)
        let replica = harness.addHolder("r1", max: 100) { ["a"] }
        harness.settle()
        for _ in 0..<10 { harness.submit(model: "a") }
        harness.settle()
        var figures = harness.router.snapshot(mode: .simulated).models
        #expect(figures?.recentHits == 10)
        #expect(figures?.recentHitRate == 1)
        harness.run(for: .seconds(20))
        harness.submit(model: "b")
        harness.settle()
        figures = harness.router.snapshot(mode: .simulated).models
        #expect(figures?.hits == 10 && figures?.misses == 1)
        #expect(figures?.recentHits == 0 && figures?.recentMisses == 1)
        #expect(figures?.recentHitRate == 0)
        #expect(figures?.recentSeconds == 15)
        _ = replica
    }
}
