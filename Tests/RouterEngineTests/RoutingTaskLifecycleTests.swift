import Testing
@testable import RouterEngine

/// Ray Serve 2.60's routing-task lifecycle, on virtual time: a task routes for one request until
/// that request is done, and ends at once when the request is served by another task or cancelled.
struct RoutingTaskLifecycleTests {
    private static let everywhere = Router.Options(
        locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), routingTimeout: nil
    )

    private static func options(cap: Int) -> Router.Options {
        var options = everywhere
        options.maxRoutingTasksCap = cap
        return options
    }

    /// The routing task routing for `id`, if one does.
    private func task(for id: RequestID, in harness: RouterHarness) -> RoutingTask? {
        harness.router.taskPool.oldestFirst.first { $0.request.id == id }
    }

    /// Issue 18's case: tasks whose requests were given up no longer sleep out a 20 s backoff, so a
    /// new request gets a task of its own and is served as soon as the replica has room.
    @Test func givenUpRequestsLeaveNoTaskBehindAndTheNextRequestIsServedAtOnce() {
        let settings = RouterSettings(initialBackoff: 20, maxBackoff: 20)
        let harness = RouterHarness(settings: settings, options: Self.everywhere)
        let replica = harness.add("r1", max: 1, rtt: .ms(1)) { .queueLength(1) }
        harness.run(for: .ms(5))
        let clients = (0..<6).map { _ in harness.submit() }
        harness.run(for: .ms(10))
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 2)
        #expect(harness.router.taskPool.oldestFirst.allSatisfy { $0.machine.sleep?.wait == .seconds(20) })
        harness.run(for: .seconds(3))
        replica.probeAnswer = { .queueLength(0) }
        harness.run(for: .seconds(1))
        for id in clients { harness.router.cancel(id) }
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 0)
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 0)
        harness.run(for: .seconds(1))
        let fresh = harness.submit()
        let sentAt = harness.now
        harness.run(for: .ms(5))
        // The probes of the tasks started while the clients gave up found the replica free, so the
        // new request is routed from the cache the moment it arrives.
        #expect(replica.received == [fresh])
        #expect(replica.receivedTimes == [sentAt])
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 0)
    }

    /// Ray's `test_fifo_request_not_abandoned`: B's task finds a replica, the FIFO rule gives it to
    /// the older A (whose task is still blocked on a slow probe), and B's task keeps routing for B.
    @Test func aTaskWhoseReplicaWentToAnOlderRequestKeepsRoutingForItsOwn() {
        let harness = RouterHarness(options: Self.everywhere)
        let slow = harness.add("slow", max: 1, rtt: .ms(80))
        harness.run(for: .ms(90))
        // Forget what the slow replica's first probe said, so A's task has to probe it (80 ms).
        harness.router.replicaSet["slow"]?.cache = nil
        let a = harness.submit()
        let aTask = task(for: a, in: harness)
        #expect(aTask?.machine.probingToken == 1)
        harness.run(for: .ms(10))
        let fast = harness.add("fast", max: 1)
        harness.settle()
        fast.probeAnswer = { .queueLength(1) }
        let b = harness.submit()
        #expect(fast.received == [a])
        #expect(aTask?.machine.isEnded == true)
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 1)
        #expect(task(for: b, in: harness) != nil)
        harness.run(for: .ms(100))
        #expect(slow.received == [b])
        #expect(slow.receivedTimes == [.ms(170)])
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 0)
        #expect(harness.router.totals.pending == 0)
    }

    /// Ray's `test_cancelled_request_skips_probe`: with one task allowed, cancelling the request it
    /// routes for ends it in its backoff; the request waiting behind gets a task and a probe at once,
    /// and no probe is ever sent for the cancelled one.
    @Test func cancellingTheRequestATaskRoutesForSkipsItsNextProbe() {
        let harness = RouterHarness(options: Self.options(cap: 1))
        let replica = harness.add("r1", max: 1, rtt: .ms(5)) { .queueLength(1) }
        harness.run(for: .ms(10))
        let a = harness.submit()
        let b = harness.submit()
        harness.run(for: .ms(20))
        // A's task: probe at 10 ms, full; first retry at once (15 ms), full; asleep until 45 ms.
        #expect(replica.probeTimes == [.ms(0), .ms(10), .ms(15)])
        #expect(task(for: a, in: harness)?.machine.sleep?.wakeAt == .ms(45))
        #expect(task(for: b, in: harness) == nil)
        harness.router.cancel(a)
        #expect(task(for: b, in: harness)?.machine.probingToken == 1)
        harness.run(for: .ms(10))
        #expect(replica.probeTimes == [.ms(0), .ms(10), .ms(15), .ms(30), .ms(35)])
        #expect(harness.results.byID[a] == .failed(.cancelled))
        #expect(replica.received.isEmpty)
    }

    /// The search of a task whose request another task served stops at once, even asleep.
    @Test func aSleepingTaskWhoseRequestIsServedElsewhereEndsAtOnce() {
        let harness = RouterHarness(options: Self.everywhere)
        let busy = harness.add("busy", max: 1, rtt: .ms(1)) { .queueLength(1) }
        harness.run(for: .ms(2))
        let a = harness.submit()
        harness.run(for: .ms(5))
        let aTask = task(for: a, in: harness)
        #expect(aTask?.machine.sleep != nil)
        let free = harness.add("free", max: 1)
        harness.settle()
        let b = harness.submit()
        #expect(free.received == [a])
        #expect(aTask?.machine.isEnded == true)
        #expect(aTask?.timer == nil)
        #expect(harness.router.taskPool.oldestFirst.map(\.request.id) == [b])
        #expect(busy.received.isEmpty)
    }

    /// A task whose own request is served takes the next waiting request while the tasks are within
    /// their target, and ends when none waits.
    @Test func aTaskWhoseRequestIsServedTakesTheNextWaitingRequestThenEnds() {
        let harness = RouterHarness(options: Self.options(cap: 1))
        let replica = harness.add("r1", max: 5, rtt: .ms(1)) { .queueLength(5) }
        harness.run(for: .ms(2))
        let ids = (0..<3).map { _ in harness.submit() }
        harness.run(for: .ms(5))
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 1)
        let only = task(for: ids[0], in: harness)
        #expect(only?.machine.sleep != nil)
        replica.probeAnswer = { .queueLength(0) }
        let lastTask = harness.router.taskPool.lastID
        harness.run(for: .ms(30))
        #expect(replica.received == ids)
        #expect(Set(replica.receivedTimes).count == 1)
        #expect(harness.router.taskPool.lastID == lastTask)
        #expect(only?.machine.isEnded == true)
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 0)
    }

    /// When a task ends and requests wait without one, tasks start for them at once.
    @Test func aTaskEndingLeavesNoWaitingRequestWithoutATask() {
        let harness = RouterHarness(options: Self.options(cap: 2))
        harness.add("r1", max: 1, rtt: .ms(1)) { .queueLength(1) }
        harness.run(for: .ms(2))
        let ids = (0..<4).map { _ in harness.submit() }
        harness.run(for: .ms(5))
        #expect(Set(harness.router.taskPool.oldestFirst.map(\.request.id)) == [ids[0], ids[1]])
        harness.router.cancel(ids[0])
        harness.router.cancel(ids[1])
        #expect(Set(harness.router.taskPool.oldestFirst.map(\.request.id)) == [ids[2], ids[3]])
    }

    /// An impossible event stops the program, naming the state and the event.
    @Test func anImpossibleTransitionStopsTheProgram() async {
        await #expect(processExitsWith: .failure) {
            var machine = RoutingTaskStateMachine()
            _ = machine.woke()
        }
    }
}
