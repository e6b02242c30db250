import Testing
@testable import RouterEngine

/// `Router.shutdown()`: a router dropped with work in flight is freed, leaves no timer armed, and
/// refuses whatever it is asked afterwards.
struct RouterShutdownTests {
    private final class Waiter {}

    private static let origin = CommandOrigin(user: "test")

    /// Backoffs of a second, so tasks that failed an attempt are still asleep when the router shuts down.
    private static let settings = RouterSettings(initialBackoff: 1, maxBackoff: 1)

    private static let options: Router.Options = {
        var options = Router.Options(locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false),
                                     maxPendingRequests: 4, routingTimeout: .seconds(30))
        options.backgroundProbesPerTick = 1
        return options
    }()

    @Test func aRouterShutDownWithWorkInFlightLeavesNoTimerAndIsFreed() throws {
        let scheduler: VirtualScheduler
        let results: RouterHarness.Results
        weak var freedRouter: Router?
        weak var freedConnection: ScriptedReplica?
        weak var freedRecord: ReplicaRecord?
        weak var freedWaiter: Waiter?
        do {
            let harness = RouterHarness(settings: Self.settings, options: Self.options)
            scheduler = harness.scheduler
            results = harness.results
            let router = harness.router
            let a = harness.add("a", max: 1, rtt: .ms(1))
            let b = harness.add("b", max: 1, rtt: .ms(1))
            // Never answers its probes with a length: it waits for its recovery probes.
            harness.add("c", rtt: .ms(1)) { .unavailable }
            // One first probe per 10 ms tick: all three have answered at 21 ms.
            harness.run(for: .ms(25))
            // Two requests run, one on each replica, which are then full and stop answering probes.
            let waiter = Waiter()
            router.submit { _ in _ = waiter }
            harness.submit()
            try #require(router.totals.running == 2)
            a.hangs = true
            b.hangs = true
            // Their tasks probe, time out at 125 ms and sleep a second.
            harness.submit()
            harness.submit()
            harness.run(for: .ms(195))
            // This one's task times out at 320 ms, a second timeout for each replica within the
            // failure lines' window: each waits for its timer to write the count.
            harness.submit()
            harness.run(for: .ms(150))
            // At 370 ms: this one's task waits on its probes, and the next is shed (4 pending).
            harness.submit()
            let shed = harness.submit()
            _ = router.applyOnTrial(RouterSettings(initialBackoff: 1, maxBackoff: 2), seconds: 60, session: nil,
                                    by: Self.origin)
            // The second of these waits for the next tick of background probes.
            _ = router.addReplicas(["d1", "d2"].map { id in
                let replica = ScriptedReplica(scheduler: scheduler)
                replica.hangs = true
                return (ReplicaInfo(id: ReplicaID(id), node: "node-a", zone: "zone-1", maxOngoingRequests: 1), replica)
            })
            a.tell(.served(model: "m1"))

            // Everything the shutdown is to undo is in place.
            try #require(router.totals.pending == 4 && router.totals.running == 2)
            try #require(results.byID.keys.sorted() == [shed])
            try #require(router.taskPool.oldestFirst.contains { $0.machine.sleep != nil && $0.timer != nil })
            try #require(router.taskPool.oldestFirst.contains { $0.machine.probingToken != 0 })
            let probe = try #require(router.replicaSet["a"]?.probe)
            try #require(!probe.waiters.isEmpty && probe.timer != nil)
            try #require(router.replicaSet["c"]?.recoveryTimer != nil)
            try #require(router.replicaSet["a"]?.inferenceProbeTimer != nil)
            try #require(router.settingsLifecycle.trialTimer != nil)
            try #require(router.failureLineTimers.keys.sorted() == ["", "probe-timeouts:a", "probe-timeouts:b"])
            try #require(router.backgroundProbes.resumeTimer != nil)
            try #require(router.queue.deadlineTimer != nil)
            try #require(scheduler.pendingTimerCount > 0)
            freedRecord = router.replicaSet["a"]

            router.shutdown()

            #expect(scheduler.pendingTimerCount == 0)
            #expect(router.isShutDown)
            #expect(router.taskPool.isEmpty && router.queue.isEmpty && router.replicaCount == 0)
            #expect(router.snapshot(mode: .simulated).events.contains {
                $0.message == "shut down: 4 pending and 2 running requests let go"
            })
            freedRouter = router
            freedConnection = a
            freedWaiter = waiter
        }
        #expect(freedRouter == nil, "the router is freed with its last outside reference")
        #expect(freedConnection == nil, "a replica connection holding a request's callback is freed")
        #expect(freedWaiter == nil, "a running request's finish callback is freed")
        #expect(freedRecord == nil, "a replica record with a request, a probe and a timer is freed")
        scheduler.advance(by: .seconds(120))
        #expect(results.byID.count == 1, "no request let go at shutdown is answered")
    }

    @Test func aSecondShutdownDoesNothingAndLaterCommandsAreRefused() {
        let harness = RouterHarness()
        let router = harness.router
        harness.add("a")
        harness.run(for: .ms(5))
        router.shutdown()
        let events = router.snapshot(mode: .simulated).events.count
        router.shutdown()
        #expect(router.snapshot(mode: .simulated).events.count == events, "the second call writes nothing")

        let admitted = router.totals.admitted
        let shed = harness.submit()
        #expect(harness.results.byID[shed] == .failed(.shed), "a request is failed before submit returns")
        #expect(router.totals.admitted == admitted, "and counted nowhere")

        let refusal = RouterError(Router.shutDownRefusal)
        let info = ReplicaInfo(id: "b", node: "node-a", zone: "zone-1", maxOngoingRequests: 1)
        #expect(throws: refusal) { try router.addReplica(info, connection: ScriptedReplica(scheduler: harness.scheduler)) }
        #expect(router.addReplicas([(info, ScriptedReplica(scheduler: harness.scheduler))]).map(\.1) == [refusal])
        #expect(throws: refusal) { try router.removeReplica("a") }
        #expect(throws: refusal) { try router.drainReplica("a") }
        #expect(throws: refusal) { try router.undrainReplica("a") }
        var changed = RouterSettings.defaults
        changed.initialBackoff = 0.5
        #expect(router.perform(settings: .apply(changed), by: Self.origin) == .refused(Router.shutDownRefusal))
        #expect(router.applyOnTrial(changed, seconds: 10, session: nil, by: Self.origin) == .refused(Router.shutDownRefusal))
        #expect(router.confirmTrial(by: Self.origin) == .refused(Router.shutDownRefusal))
        #expect(router.endSession("s") == .refused(Router.shutDownRefusal))
        #expect(router.undoSettings(by: Self.origin) == nil)
        #expect(throws: ConfigurationError.self) { try router.apply(changed, by: Self.origin) }
        #expect(router.settings == .defaults)
        router.cancel(shed)
        router.setFault("down", for: "a")
        router.startRecording()
        #expect(router.recording() == nil)
        #expect(router.replicaCount == 0)
        #expect(harness.scheduler.pendingTimerCount == 0)
    }
}
