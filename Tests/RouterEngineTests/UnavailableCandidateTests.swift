import Testing
@testable import RouterEngine

/// A replica known unavailable is no candidate until a probe says it is back; a replica never
/// probed is not shown healthy; first and recovery probes are bounded (issue 20, item 11).
struct UnavailableCandidateTests {
    @Test func unavailableReplicasAreNotDrawnWhileAnotherIsUp() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        let dead = (1...10).map { harness.add("dead\($0)", max: 100) { .unavailable } }
        let alive = harness.add("alive", max: 100)
        harness.settle()
        for index in 1...10 { #expect(harness.router.replica(ReplicaID("dead\(index)"))?.state == .unavailable) }
        #expect(harness.router.replica("alive")?.state == .healthy)

        for _ in 0..<50 { harness.submit() }
        harness.settle()
        #expect(alive.received.count == 50)
        // No attempt drew a dead pair, and no dead replica was probed again by routing.
        #expect(harness.router.snapshot(mode: .simulated).retries.failedAttempts == 0)
        #expect(dead.allSatisfy { $0.probeTimes == [.zero] && $0.received.isEmpty })
    }

    @Test func aReplicaComesBackOnlyThroughItsRecoveryProbe() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        var back = false
        let flaky = harness.add("flaky", max: 100) { back ? .queueLength(0) : .unavailable }
        let alive = harness.add("alive", max: 100)
        harness.settle()
        back = true
        for _ in 0..<20 { harness.submit() }
        harness.settle()
        #expect(flaky.received.isEmpty)
        #expect(alive.received.count == 20)
        // The recovery probe, 0.5 s after it was found unavailable, brings it back.
        harness.run(for: .ms(500))
        #expect(flaky.probeTimes == [.zero, .ms(500)])
        #expect(harness.router.replica("flaky")?.state == .healthy)
        for _ in 0..<20 { harness.submit() }
        harness.settle()
        #expect(!flaky.received.isEmpty)
    }

    @Test func whenEveryReplicaIsUnavailableAllAreStillDrawn() {
        let options = Router.Options(locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), routingTimeout: nil)
        let harness = RouterHarness(options: options)
        var back = false
        let first = harness.add("r1") { back ? .queueLength(0) : .unavailable }
        let second = harness.add("r2") { .unavailable }
        harness.settle()
        #expect(harness.router.replica("r1")?.state == .unavailable)
        #expect(harness.router.replica("r2")?.state == .unavailable)
        harness.submit()
        harness.run(for: .ms(100))
        back = true
        // Attempts at 0 (wait 0), 0 (wait 25 ms), 25 ms (wait 50 ms), 75 ms (wait 100 ms), 175 ms:
        // the router keeps probing both, so r1 is found at the first attempt after it is back.
        harness.run(for: .ms(100))
        #expect(first.receivedTimes == [.ms(175)])
        #expect(second.received.isEmpty)
    }

    @Test func aReplicaIsProbingUntilItsFirstProbeAnswers() {
        let harness = RouterHarness()
        let silent = harness.add("silent", hangs: true)
        _ = harness.add("answering", rtt: .ms(30))
        #expect(harness.router.replica("silent")?.state == .probing)
        #expect(harness.router.replica("answering")?.state == .probing)
        harness.run(for: .ms(30))
        #expect(harness.router.replica("answering")?.state == .healthy)
        // A probe that times out says nothing either way: still not shown healthy.
        harness.run(for: .ms(200))
        #expect(silent.probeTimes == [.zero])
        #expect(harness.router.replica("silent")?.state == .probing)
        #expect(harness.router.snapshot(mode: .simulated).replicas.map(\.state) == [.probing, .healthy])
        let events = harness.router.snapshot(mode: .simulated).events.map(\.message)
        #expect(!events.contains { $0.contains("→ healthy") })
        // It is asked again 0.5 s after its probe timed out, then 1 s after that, until it answers.
        harness.run(for: .ms(370))
        #expect(silent.probeTimes == [.zero, .ms(600)])
        silent.hangs = false
        harness.run(for: .ms(1100))
        #expect(silent.probeTimes == [.zero, .ms(600), .ms(1600)])
        #expect(harness.router.replica("silent")?.state == .healthy)
    }

    @Test func aReplicaNotYetHeardFromIsNoCandidateWhileAHealthyOneExists() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        let healthy = harness.add("healthy", max: 100)
        harness.settle()
        let silent = harness.add("silent", max: 100, hangs: true)
        // Its first probe times out at 100 ms; requests come after that.
        harness.run(for: .ms(150))
        for _ in 0..<30 { harness.submit() }
        harness.run(for: .ms(50))
        // Routing never probed the silent one: only its first probe went out (the next is due at 600 ms).
        #expect(healthy.received.count == 30)
        #expect(silent.probeTimes == [.zero])
        #expect(harness.router.replica("silent")?.state == .probing)
        #expect(harness.router.snapshot(mode: .simulated).retries.failedAttempts == 0)
    }

    @Test func firstProbesOfAManyReplicaSetAreBounded() {
        let harness = RouterHarness(options: Router.Options(backgroundProbeLimit: 64, backgroundProbesPerTick: 1000))
        let replicas = (1...200).map { harness.add("r\($0)", hangs: true) }
        // 64 at once; each slot frees when its probe times out (0.1 s), and the next 64 go (8 last).
        #expect(replicas.filter { !$0.probeTimes.isEmpty }.count == 64)
        harness.run(for: .ms(100))
        #expect(replicas.filter { !$0.probeTimes.isEmpty }.count == 128)
        harness.run(for: .ms(100))
        #expect(replicas.filter { !$0.probeTimes.isEmpty }.count == 192)
        harness.run(for: .ms(100))
        #expect(replicas.allSatisfy { $0.probeTimes.count == 1 })
        #expect(replicas[..<64].allSatisfy { $0.probeTimes == [.zero] })
        #expect(replicas[64..<128].allSatisfy { $0.probeTimes == [.ms(100)] })
        #expect(replicas[128..<192].allSatisfy { $0.probeTimes == [.ms(200)] })
        #expect(replicas[192...].allSatisfy { $0.probeTimes == [.ms(300)] })
    }

    @Test func backgroundProbesStartAtASteadyPace() {
        let harness = RouterHarness(options: Router.Options(backgroundProbesPerTick: 16))
        let replicas = (1...40).map { harness.add("r\($0)", rtt: .ms(1)) }
        harness.run(for: .ms(30))
        // 16 per 10 ms tick, the first tick starting with the first probe.
        #expect(replicas[..<16].allSatisfy { $0.probeTimes == [.zero] })
        #expect(replicas[16..<32].allSatisfy { $0.probeTimes == [.ms(10)] })
        #expect(replicas[32...].allSatisfy { $0.probeTimes == [.ms(20)] })
        #expect(harness.router.snapshot(mode: .simulated).replicas.allSatisfy { $0.state == .healthy })
    }

    @Test func aThousandReplicasWithTwoAliveServeEveryRequestAtOnce() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: .seconds(30)))
        let dead = (1...998).map { harness.add("dead\($0)", max: 5, rtt: .ms(1)) { .unavailable } }
        let alive = (1...2).map { harness.add("alive\($0)", max: 5, rtt: .ms(1)) }
        // 1,000 first probes, 16 per 10 ms: every dead one is known by 630 ms.
        harness.run(for: .ms(630))
        #expect(harness.router.snapshot(mode: .simulated).replicas.filter { $0.state == .unavailable }.count == 998)
        for _ in 0..<100 {
            for _ in 0..<10 { harness.submit() }
            harness.run(for: .ms(2))
            for replica in alive { replica.finishAll() }
            harness.settle()
        }
        let snapshot = harness.router.snapshot(mode: .simulated)
        #expect(snapshot.totals.completed == 1000)
        #expect(snapshot.retries.failedAttempts == 0)
        #expect(dead.allSatisfy { $0.received.isEmpty })
        #expect(alive.map(\.received.count).reduce(0, +) == 1000)
    }
}
