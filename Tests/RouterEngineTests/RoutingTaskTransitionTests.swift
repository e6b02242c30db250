import Testing
@testable import RouterEngine

/// The router carrying out the routing task's transitions that need a router to happen.
struct RoutingTaskTransitionTests {
    private static let everywhere = Router.Options(
        locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), routingTimeout: nil
    )

    @Test func cancellingTheOnlyWaitingRequestEndsItsSleepingTask() {
        let harness = RouterHarness(options: Self.everywhere)
        let replica = harness.add("r1", max: 1) { .queueLength(1) }
        harness.settle()
        let id = harness.submit()
        harness.run(for: .ms(10))
        #expect(harness.router.taskPool.oldestFirst.first?.machine.sleep?.failedAttempts == 2)
        harness.router.cancel(id)
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 0)
        replica.probeAnswer = { .queueLength(0) }
        harness.run(for: .seconds(1))
        #expect(replica.received.isEmpty)
        #expect(harness.results.byID[id] == .failed(.cancelled))
    }

    @Test func aTaskWhoseRequestIsCancelledEndsAtOnceWhileTheOtherSearchGoesOn() {
        let harness = RouterHarness(options: Self.everywhere)
        let replica = harness.add("r1", max: 1) { .queueLength(1) }
        harness.settle()
        let first = harness.submit()
        harness.run(for: .ms(10))
        let second = harness.submit()
        harness.settle()
        // Two tasks now: the first sleeps until 25 ms (failed attempt 2), the second's search began at 10 ms.
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 2)
        let firstTask = harness.router.taskPool.oldestFirst.first { $0.request.id == first }
        harness.router.cancel(first)
        replica.probeAnswer = { .queueLength(0) }
        #expect(firstTask?.machine.isEnded == true)
        #expect(harness.router.taskPool.oldestFirst.map(\.request.id) == [second])
        harness.run(for: .ms(30))
        // The second's own search: failed twice at 10 ms, asleep 25 ms, then the replica has room.
        #expect(replica.received == [second])
        #expect(replica.receivedTimes == [.ms(35)])
    }

    @Test func removingReplicasLowersTheCapAndEndsTasksBeyondItAtOnce() throws {
        let harness = RouterHarness(options: Self.everywhere)
        for index in 1...4 { harness.add("r\(index)", max: 1) { .queueLength(1) } }
        harness.settle()
        for _ in 0..<20 { harness.submit() }
        harness.run(for: .ms(10))
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 8)
        try harness.router.removeReplica("r1")
        try harness.router.removeReplica("r2")
        try harness.router.removeReplica("r3")
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 2)
        #expect(harness.router.snapshot(mode: .simulated).maxRoutingTasks == 2)
    }
}
