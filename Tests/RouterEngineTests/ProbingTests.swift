import Testing
@testable import RouterEngine

struct ProbingTests {
    @Test func newReplicasAreProbedAtOnce() {
        let harness = RouterHarness()
        let replica = harness.add("r1")
        #expect(replica.probeTimes == [.zero])
        harness.settle()
        #expect(harness.router.replica("r1")?.queueSource == .probe)
    }

    @Test func deadReplicasLeaveRouting() {
        let harness = RouterHarness()
        let dead = harness.add("dead", max: 100) { .dead }
        let alive = harness.add("alive", max: 100)
        harness.settle()
        for _ in 0..<20 { harness.submit() }
        harness.settle()
        #expect(harness.router.replica("dead")?.state == .dead)
        #expect(dead.received.isEmpty)
        #expect(alive.received.count == 20)
        #expect(harness.router.snapshot(mode: .simulated).maxRoutingTasks == 2)
    }

    @Test func unavailableReplicasLoseTheirCacheAndComeBackWhenTheyAnswer() {
        let harness = RouterHarness(settings: RouterSettings(cacheTimeout: 0), options: Router.Options(routingTimeout: nil))
        var answer = ProbeAnswer.queueLength(0)
        let replica = harness.add("r1", max: 5) { answer }
        harness.settle()
        harness.submit()
        harness.settle()
        #expect(replica.received.count == 1)
        #expect(harness.router.replicaSet["r1"]?.cache != nil)

        answer = .unavailable
        harness.submit()
        harness.settle()
        #expect(harness.router.replica("r1")?.state == .unavailable)
        #expect(harness.router.replicaSet["r1"]?.cache == nil)
        #expect(replica.received.count == 1)

        answer = .queueLength(1)
        harness.run(for: .seconds(1))
        #expect(harness.router.replica("r1")?.state == .healthy)
        #expect(replica.received.count == 2)
        let events = harness.router.snapshot(mode: .simulated).events.map(\.message)
        #expect(events.contains("r1 healthy → unavailable: probe failed"))
        #expect(events.contains("r1 unavailable → healthy: answers probes again"))
    }

    @Test func theProbeDeadlineDoublesPerAttemptUpToItsMaximum() {
        // A zero TTL, so every attempt probes. The replica answers its first probe (so it is healthy:
        // a replica never heard from would also get background probes) and then hangs.
        let harness = RouterHarness(settings: RouterSettings(cacheTimeout: 0), options: Router.Options(
            locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), routingTimeout: nil
        ))
        let replica = harness.add("r1")
        harness.run(for: .ms(1))
        replica.hangs = true
        harness.submit()
        harness.run(for: .seconds(3))
        // Its first probe at 0; from 1 ms, deadlines 0.1, 0.2, 0.4, 0.8, 1.0 (capped), with waits 0,
        // 25, 50, 100, 200 ms between.
        #expect(replica.probeTimes == [0, 1, 101, 326, 776, 1676, 2876].map { EngineTime.ms($0) })
        #expect(harness.router.replica("r1")?.probeTimeouts == 5)
    }

    @Test func aLateAnswerNeverOverwritesANewerEntry() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        var answers: [Int] = [3, 1]
        let replica = harness.add("r1", max: 5, rtt: .ms(150)) { .queueLength(answers.removeFirst()) }
        harness.submit()
        harness.run(for: .ms(50))
        replica.probeRTT = .ms(10)
        // The first probe times out at 100 ms; the retry's probe answers 1 at 110 ms and the request
        // goes there (2 with it); the first probe's late 3 arrives at 150 ms and is ignored.
        harness.run(for: .ms(150))
        #expect(replica.received == [RequestID(1)])
        #expect(harness.router.replica("r1")?.queueLength == 2)
        #expect(harness.router.replica("r1")?.probeTimeouts == 1)
    }

    @Test func neverTwoProbesOfOneReplicaAtOnce() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        let a = harness.add("a", max: 1, rtt: .ms(30)) { .queueLength(1) }
        let b = harness.add("b", max: 1, rtt: .ms(30)) { .queueLength(1) }
        for _ in 0..<20 { harness.submit() }
        harness.run(for: .seconds(2))
        #expect(a.maxProbesInFlight == 1)
        #expect(b.maxProbesInFlight == 1)
        #expect(a.probeTimes.count > 5)
    }

    @Test func sendsAndCompletionsAdjustAFreshEntryButNeverCreateOne() {
        let harness = RouterHarness()
        let replica = harness.add("r1", max: 5)
        harness.settle()
        harness.submit()
        harness.submit()
        harness.settle()
        var snapshot = harness.router.replica("r1")
        #expect(snapshot?.queueLength == 2)
        #expect(snapshot?.queueSource == .cache)
        replica.finishAll()
        replica.finishAll()
        harness.settle()
        #expect(harness.router.replica("r1")?.queueLength == 0)

        harness.submit()
        harness.settle()
        harness.router.replicaSet["r1"]?.cache = nil
        replica.finishAll()
        harness.settle()
        #expect(harness.router.replicaSet["r1"]?.cache == nil)
        snapshot = harness.router.replica("r1")
        #expect(snapshot?.queueSource == .local)
        #expect(snapshot?.queueLength == 0)
    }

    @Test func aStaleEntryIsNotTrustedAndTheReplicaIsProbedAgain() {
        let harness = RouterHarness(settings: RouterSettings(cacheTimeout: 1))
        let replica = harness.add("r1", max: 5)
        harness.settle()
        harness.run(for: .ms(1500))
        harness.submit()
        harness.settle()
        #expect(replica.probeTimes == [.ms(0), .ms(1500)])
        #expect(replica.received.count == 1)
    }

    @Test func aCacheChoiceProbesUncachedCandidatesInTheBackground() {
        let harness = RouterHarness(options: Router.Options(locality: Locality(node: "n", zone: "z", preferLocal: false)))
        let a = harness.add("a", max: 5)
        let b = harness.add("b", max: 5)
        harness.settle()
        harness.router.replicaSet["b"]?.cache = nil
        harness.router.replicaSet["a"]?.cache?.length = 1
        harness.submit()
        harness.settle()
        #expect(a.received.count == 1)
        #expect(b.probeTimes.count == 2)
    }

    @Test func aReplicaWithoutAProbeEndpointIsCountedLocally() {
        let harness = RouterHarness()
        let replica = harness.add("r1", max: 2) { .unsupported }
        harness.settle()
        for _ in 0..<3 { harness.submit() }
        harness.settle()
        #expect(replica.received.count == 2)
        let snapshot = harness.router.replica("r1")
        #expect(snapshot?.queueSource == .local)
        #expect(snapshot?.queueLength == 2)
        #expect(replica.probeTimes.count == 1)
        replica.finishOldest()
        harness.run(for: .seconds(1))
        #expect(replica.received.count == 3)
    }
}
