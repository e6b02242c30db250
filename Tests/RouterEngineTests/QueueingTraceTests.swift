import Testing
@testable import RouterEngine

/// Traces explain queueing: the place in the queue and the task cap at admission and at each
/// attempt, and why the first attempt waited (burst.toml's situation in small, on virtual time).
struct QueueingTraceTests {
    /// One replica of one slot: the cap is `min(pending, min(50, 2 × 1))` = 2 routing tasks, so a
    /// burst of four leaves the third next in line behind a full cap and the fourth behind the third.
    @Test func aBurstBehindTheTaskCapSaysWhyEachRequestWaited() throws {
        let harness = RouterHarness(options: Router.Options(
            locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), routingTimeout: nil
        ))
        let replica = harness.add("r1", max: 1, rtt: .ms(10))
        replica.probeAnswer = { [unowned replica] in .queueLength(replica.open.count) }
        harness.settle()
        for _ in 0..<4 { harness.submit() }
        harness.settle()
        // Each finishes 100 ms after it was sent, which frees the slot for the next.
        for _ in 0..<40 {
            harness.run(for: .ms(100))
            if !replica.open.isEmpty { replica.finishOldest() }
        }
        harness.settle()
        let traces = harness.router.recentTraces().traces.sorted { $0.request < $1.request }
        #expect(traces.map(\.outcome) == ["completed", "completed", "completed", "completed"])
        #expect(traces.map(\.queueAhead) == [0, 1, 2, 3])
        #expect(traces.map(\.taskCap) == [1, 2, 2, 2])
        #expect(traces[0].firstWait == nil && traces[1].firstWait == nil)

        // The third: next in line, both tasks busy; its first attempt began when the first request's
        // task was free, 10 ms on (the probe's round trip).
        var next = TraceWait(reason: .taskCap, waitingAhead: 0, tasks: 2, taskCap: 2, routableReplicas: 1)
        next.waitedMs = 10
        #expect(traces[2].firstWait == next)
        // The fourth: behind the third, which had no task either; it waited until the second was sent.
        var behind = TraceWait(reason: .queueAhead, waitingAhead: 1, tasks: 2, taskCap: 2, routableReplicas: 1)
        behind.waitedMs = 105
        #expect(traces[3].firstWait == behind)

        // At each attempt: the requests still waiting ahead of it, and the cap for the queue then.
        #expect(traces[0].attempts.map(\.queueAhead) == [0])
        #expect(traces[0].attempts.map(\.taskCap) == [1])
        #expect(traces[2].attempts.map(\.queueAhead) == [1, 1, 1, 0])
        #expect(traces[2].attempts.map(\.startedMs) == [10, 20, 55, 105])
        // The fourth's search found r1 at 210 ms and handed it to the older third; from then on
        // nothing was ahead of it and one task was all the queue needed.
        #expect(traces[3].attempts.map(\.queueAhead) == [1, 1, 1, 1, 0, 0, 0, 0])
        #expect(traces[3].attempts.map(\.taskCap) == [2, 2, 2, 2, 1, 1, 1, 1])
        #expect(traces[3].attempts[3].handedTo == 3 && traces[3].attempts[3].startedMs == 210)
    }

    @Test func aRequestAdmittedWithNoRoutableReplicaSaysSoAndHowLongItWaited() throws {
        let harness = RouterHarness(options: Router.Options(
            locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), routingTimeout: nil
        ))
        let id = harness.submit()
        harness.run(for: .ms(250))
        let replica = harness.add("r1", max: 1)
        harness.settle()
        replica.finishAll()
        harness.settle()
        #expect(harness.results.byID[id] == .completed("r1"))
        let trace = try #require(harness.router.recentTraces().traces.first)
        var wait = TraceWait(reason: .noRoutableReplica, waitingAhead: 0, tasks: 0, taskCap: 0, routableReplicas: 0)
        wait.waitedMs = 250
        #expect(trace.firstWait == wait)
        #expect(trace.queueAhead == 0 && trace.taskCap == 0)
        #expect(trace.attempts.first?.startedMs == 250 && trace.attempts.first?.taskCap == 1)
    }
}
