import Testing
@testable import RouterEngine

/// Failures are counted and logged, and a replica's health follows what forwarding and probing found.
@Suite("Failures and health evidence")
struct FailureEvidenceTests {
    private func messages(_ harness: RouterHarness) -> [String] {
        harness.router.snapshot(mode: .simulated).events.map(\.message)
    }

    @Test("shedding is logged when it starts and, with its count, a second after the last shed")
    func sheddingEpisode() {
        let harness = RouterHarness(options: Router.Options(maxPendingRequests: 2, routingTimeout: nil))
        harness.add("a", max: 1)
        for _ in 0..<10 { harness.submit() }
        harness.settle()
        #expect(harness.router.totals.failed[.shed] == 8, "two wait; the first is still being routed (probing)")
        #expect(messages(harness).filter { $0.hasPrefix("shedding") } == [
            "shedding: 2 requests pending (the limit); new requests fail at once",
        ])
        harness.run(for: .ms(999))
        #expect(messages(harness).filter { $0.hasPrefix("shedding stopped") }.isEmpty)
        harness.run(for: .ms(1))
        #expect(messages(harness).filter { $0.hasPrefix("shedding stopped") } == [
            "shedding stopped: 8 requests shed over 0.0s",
        ])
        let snapshot = harness.router.snapshot(mode: .simulated)
        #expect(snapshot.rateOut == 0, "nothing completed: failures are not counted as out")
    }

    @Test("a refused connection makes the replica unavailable at once, and its errors are logged once per 5 s")
    func refusedConnection() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        let a = harness.add("a")
        for _ in 0..<3 { harness.submit() }
        harness.settle()
        #expect(a.open.count == 3)
        let b = harness.add("b")
        a.probeAnswer = { .unavailable }  // killed: probes are refused too
        a.finishAll(.connectionRefused)
        harness.settle()
        let replica = harness.router.replica(ReplicaID("a"))
        #expect(replica?.state == .unavailable)
        #expect(replica?.errors == 3)
        #expect(replica?.lastError == "connection refused")
        #expect(harness.router.totals.failedTotal == 0, "refused connections cost no request")
        harness.run(for: .ms(100))
        #expect(b.received.count == 3)
        #expect(messages(harness).filter { $0.hasPrefix("a: ") } == ["a: 1 upstream error, last: connection refused"])
        harness.run(for: .seconds(5))
        #expect(messages(harness).filter { $0.hasPrefix("a: ") } == [
            "a: 1 upstream error, last: connection refused", "a: 2 upstream errors, last: connection refused",
        ])
    }

    @Test("a probe answer that is not a queue length: counted locally, one warning, never unavailable")
    func unexpectedProbeAnswer() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        let a = harness.add("a") { .unexpected("\"<html>\"") }
        for _ in 0..<3 { harness.submit() }
        harness.settle()
        a.finishAll()
        harness.settle()
        harness.submit()
        harness.settle()
        let replica = harness.router.replica(ReplicaID("a"))
        #expect(replica?.state == .healthy)
        #expect(replica?.queueSource == .local)
        #expect(harness.router.totals.completed == 3)
        #expect(a.received.count == 4)
        let warnings = messages(harness).filter { $0.contains("with something else") }
        #expect(warnings == [
            "a answered the queue-length probe with something else; counting its requests locally. It said: \"<html>\"",
        ])
    }

    @Test("a probe timeout marks the replica slow until a probe is answered, with a warning")
    func probeTimeout() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        let a = harness.add("a", hangs: true)
        harness.submit()
        harness.run(for: .ms(100))
        #expect(harness.router.replica(ReplicaID("a"))?.lastProbeTimedOut == true)
        #expect(messages(harness).contains("a slow: 1 probe got no answer within 0.1s (1 in all)"))
        a.hangs = false
        harness.run(for: .seconds(1))
        #expect(harness.router.replica(ReplicaID("a"))?.lastProbeTimedOut == false)
        #expect(a.received.count == 1)
    }

    @Test("a probing task is in the snapshot with the replica it waits on")
    func probingTasksVisible() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        harness.add("a", hangs: true)
        harness.submit()
        harness.run(for: .ms(40))
        let snapshot = harness.router.snapshot(mode: .simulated)
        #expect(snapshot.tasksProbing == 1)
        #expect(snapshot.probeWaits.map(\.replica) == [ReplicaID("a")])
        #expect(snapshot.probeWaits.first?.probeSentAt == .zero)
    }

    @Test("a task retrying after a failure counts in backoff only, so probing and backoff never exceed the tasks")
    func taskCountedInOneState() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        // Away from the router's node and zone, so no free local try comes first.
        harness.add("a", node: "node-x", zone: "zone-x", hangs: true)
        harness.submit()
        // The first try's probe times out at the probe deadline (0.1 s): the try failed, and the
        // retry (no wait after the first failure) probes again.
        harness.run(for: .ms(150))
        harness.submit()
        harness.run(for: .ms(10))
        let snapshot = harness.router.snapshot(mode: .simulated)
        #expect(snapshot.routingTasks == 2)
        #expect(snapshot.tasksInBackoff == 1)
        #expect(Set(snapshot.probeWaits.map(\.taskID)).count == 2, "both tasks wait on a probe")
        #expect(snapshot.tasksProbing == 1, "only the first try is counted as probing")
        #expect(snapshot.tasksProbing + snapshot.tasksInBackoff <= snapshot.routingTasks)
    }

    @Test("attempts per request counts a re-routed request once")
    func attemptsCountRequests() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        let a = harness.add("a")
        harness.submit()
        harness.settle()
        a.finishOldest(.failedMidResponse(retryable: true))
        harness.run(for: .seconds(2))
        #expect(a.received.count == 2)
        #expect(harness.router.attemptsHistogram.reduce(0) { $0 + $1.requests } == 1)
    }
}
