import Testing
@testable import RouterEngine

struct RoutingTests {
    @Test func neverAssignsToAFullReplica() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        let full = harness.add("full", max: 5) { .queueLength(5) }
        var roomy = 5
        let other = harness.add("other", max: 5) { .queueLength(roomy) }
        harness.submit()
        harness.run(for: .seconds(1))
        #expect(full.received.isEmpty)
        #expect(other.received.isEmpty)
        roomy = 4
        harness.run(for: .seconds(1))
        #expect(other.received == [RequestID(1)])
        #expect(full.received.isEmpty)
    }

    @Test func requestsWaitForReplicasAndAnAddedReplicaWakesThem() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        harness.submit()
        harness.submit()
        harness.run(for: .seconds(1))
        #expect(harness.router.totals.pending == 2)
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 0)
        let replica = harness.add("late", max: 5)
        harness.settle()
        #expect(replica.received == [RequestID(1), RequestID(2)])
        #expect(harness.router.totals.pending == 0)
    }

    @Test func requestsAreServedOldestFirst() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        let replica = harness.add("r1", max: 1)
        replica.probeAnswer = { [unowned replica] in .queueLength(replica.open.count) }
        for _ in 0..<4 { harness.submit() }
        harness.settle()
        #expect(replica.received == [RequestID(1)])
        for _ in 0..<3 {
            harness.run(for: .ms(10))
            replica.finishOldest()
            harness.run(for: .seconds(1))
        }
        #expect(replica.received == [1, 2, 3, 4].map { RequestID($0) })
    }

    @Test func theTaskCountIsCappedByPendingAndReplicas() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        harness.add("r1", max: 1) { .queueLength(1) }
        for _ in 0..<10 { harness.submit() }
        harness.settle()
        var snapshot = harness.router.snapshot(mode: .simulated)
        #expect(snapshot.routingTasks == 2)
        #expect(snapshot.maxRoutingTasks == 2)

        for index in 2...30 { harness.add("r\(index)", max: 1) { .queueLength(1) } }
        for _ in 0..<90 { harness.submit() }
        // First probes go out 16 per 10 ms, and a replica is a candidate once its probe answered.
        harness.run(for: .ms(10))
        snapshot = harness.router.snapshot(mode: .simulated)
        #expect(snapshot.routingTasks == 50)
        #expect(snapshot.maxRoutingTasks == 50)
        #expect(snapshot.totals.pending == 100)
    }

    @Test func fewerPendingRequestsThanTheCapMeanFewerTasks() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        for index in 1...10 { harness.add("r\(index)", max: 1) { .queueLength(1) } }
        for _ in 0..<3 { harness.submit() }
        harness.settle()
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 3)
    }

    @Test func theOwnNodeIsPreferredThenTheZoneThenAll() throws {
        let harness = RouterHarness(options: Router.Options(locality: Locality(node: "node-a", zone: "zone-1")))
        let local = harness.add("local", node: "node-a", zone: "zone-1", max: 100)
        let zone = harness.add("zone", node: "node-b", zone: "zone-1", max: 100)
        let remote = harness.add("remote", node: "node-c", zone: "zone-2", max: 100)
        for _ in 0..<20 { harness.submit() }
        harness.settle()
        #expect(local.received.count == 20)
        #expect(zone.received.isEmpty && remote.received.isEmpty)

        local.probeAnswer = { .queueLength(100) }
        try harness.router.drainReplica("local")
        for _ in 0..<5 { harness.submit() }
        harness.settle()
        #expect(zone.received.count == 5)
        #expect(remote.received.isEmpty)
    }

    @Test func emptyTiersAreSkipped() {
        let harness = RouterHarness(options: Router.Options(locality: Locality(node: "node-z", zone: "zone-9")))
        let a = harness.add("a", node: "node-b", zone: "zone-1", max: 100)
        let b = harness.add("b", node: "node-c", zone: "zone-2", max: 100)
        for _ in 0..<200 { harness.submit() }
        harness.settle()
        #expect(a.received.count + b.received.count == 200)
        #expect(a.received.count > 50 && b.received.count > 50)
        #expect(harness.router.retryTotals.failedAttempts == 0)
    }

    @Test func walkingTiersWithinOneAttemptCostsNoBackoff() {
        let harness = RouterHarness(options: Router.Options(locality: Locality(node: "node-a", zone: "zone-1")))
        let local = harness.add("local", node: "node-a", zone: "zone-1", max: 1) { .queueLength(1) }
        let remote = harness.add("remote", node: "node-c", zone: "zone-2", max: 100)
        harness.submit()
        harness.settle()
        #expect(local.received.isEmpty)
        #expect(remote.received == [RequestID(1)])
        #expect(harness.router.retryTotals.failedAttempts == 0)
        #expect(harness.router.attemptsHistogram == [AttemptBucket(attempts: 1, requests: 1)])
    }

    @Test func withoutLocalityEveryReplicaIsACandidate() {
        let harness = RouterHarness(options: Router.Options(locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false)))
        let local = harness.add("local", node: "node-a", zone: "zone-1", max: 1000)
        let remote = harness.add("remote", node: "node-c", zone: "zone-2", max: 1000)
        for _ in 0..<200 { harness.submit() }
        harness.settle()
        #expect(local.received.count > 50 && remote.received.count > 50)
    }

    @Test func cancelledRequestsAreNeverAssigned() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        var length = 1
        let replica = harness.add("r1", max: 1) { .queueLength(length) }
        let first = harness.submit()
        let second = harness.submit()
        harness.run(for: .ms(10))
        harness.router.cancel(first)
        #expect(harness.results.byID[first] == .failed(.cancelled))
        length = 0
        harness.run(for: .seconds(1))
        #expect(replica.received == [second])
        #expect(harness.router.totals.isConserved)
    }

    @Test func aRequestWaitingTooLongFailsWithRoutingTimeout() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: .seconds(1)))
        harness.add("r1", max: 1) { .queueLength(1) }
        let id = harness.submit()
        harness.run(for: .ms(999))
        #expect(harness.results.byID[id] == nil)
        harness.run(for: .ms(1))
        #expect(harness.results.byID[id] == .failed(.routingTimeout))
        let totals = harness.router.totals
        #expect(totals.pending == 0 && totals.failed[.routingTimeout] == 1 && totals.isConserved)
    }

    @Test func requestsBeyondThePendingLimitAreShed() {
        let harness = RouterHarness(options: Router.Options(maxPendingRequests: 2, routingTimeout: nil))
        harness.add("r1", max: 1) { .queueLength(1) }
        harness.submit()
        harness.submit()
        let third = harness.submit()
        #expect(harness.results.byID[third] == .failed(.shed))
        #expect(harness.router.totals.admitted == 3)
        #expect(harness.router.totals.isConserved)
    }

    @Test func aRequestWhoseReplicaDiesIsRoutedAgain() {
        let harness = RouterHarness(options: Router.Options(locality: Locality(node: "n", zone: "z", preferLocal: false)))
        let a = harness.add("a", max: 10)
        let b = harness.add("b", max: 10)
        let id = harness.submit()
        harness.settle()
        let (first, second) = a.received.isEmpty ? (b, a) : (a, b)
        first.finishOldest(.replicaDied)
        harness.settle()
        #expect(second.received == [id])
        second.finishOldest()
        harness.settle()
        #expect(harness.results.byID[id] == .completed(second === a ? "a" : "b"))
        #expect(harness.router.replica(first === a ? "a" : "b")?.state == .dead)
        #expect(harness.router.retryTotals.reroutes == 1)
    }

    @Test func reroutesAreBoundedThenTheRequestFails() {
        let harness = RouterHarness(options: Router.Options(maxReroutes: 2))
        let replica = harness.add("r1", max: 10)
        let id = harness.submit()
        for _ in 0..<3 {
            harness.settle()
            replica.finishOldest(.failedBeforeResponse)
        }
        harness.settle()
        #expect(replica.received == [id, id, id])
        #expect(harness.results.byID[id] == .failed(.replicaError))
        #expect(harness.router.totals.isConserved)
    }

    @Test("an outcome of an earlier send, told again while the request runs on the same replica, changes nothing")
    func anEarlierSendsOutcomeIsIgnored() throws {
        let harness = RouterHarness()
        let replica = harness.add("r1", max: 10)
        let id = harness.submit()
        harness.settle()
        let firstSend = try #require(replica.open.first).finish
        replica.finishOldest(.failedBeforeResponse)
        harness.settle()
        try #require(replica.received == [id, id] && replica.open.count == 1)
        // A connection that tells the first send's outcome twice: the request now runs again.
        firstSend(.completed)
        harness.settle()
        #expect(harness.results.byID[id] == nil)
        #expect(harness.router.totals.running == 1)
        #expect(harness.router.replica("r1")?.completed == 0)
        replica.finishOldest()
        harness.settle()
        #expect(harness.results.byID[id] == .completed("r1"))
        #expect(harness.router.replica("r1")?.completed == 1)
        #expect(harness.router.totals.isConserved)
    }

    @Test func aNonRetryableMidResponseFailureFailsAtOnce() {
        let harness = RouterHarness()
        let replica = harness.add("r1", max: 10)
        let id = harness.submit()
        harness.settle()
        replica.finishOldest(.failedMidResponse(retryable: false))
        harness.settle()
        #expect(harness.results.byID[id] == .failed(.replicaError))
        #expect(replica.received == [id])
    }

    @Test func aRefusedRequestGoesElsewhereAndTheCacheLearnsTheReplicaIsFull() {
        let harness = RouterHarness(options: Router.Options(locality: Locality(node: "n", zone: "z", preferLocal: false)))
        let a = harness.add("a", max: 5)
        let b = harness.add("b", max: 5)
        let id = harness.submit()
        harness.settle()
        let (first, second) = a.received.isEmpty ? (b, a) : (a, b)
        first.finishOldest(.rejected(queueLength: 5))
        harness.settle()
        #expect(second.received == [id])
        let firstID: ReplicaID = first === a ? "a" : "b"
        #expect(harness.router.replica(firstID)?.queueLength == 5)
        #expect(harness.router.replica(firstID)?.rejected == 1)
    }
}
