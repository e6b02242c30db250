import Dashboard
import RouterEngine
import Testing

@Suite("A request's trace in the dashboard")
struct TraceLookupTests {
    private let size = TerminalSize(columns: 120, rows: 40)

    /// A request that waited behind a full task cap, as a router keeps its trace.
    private func waitedTrace(request: UInt64, replica: String, external: String? = nil) -> RequestTrace {
        var trace = RequestTrace(request: request, admittedMs: 1000, admittedUTC: UTCTime(milliseconds: 1_000))
        trace.externalID = external
        trace.queueAhead = 2
        trace.taskCap = 2
        var wait = TraceWait(reason: .taskCap, waitingAhead: 0, tasks: 2, taskCap: 2, routableReplicas: 1)
        wait.waitedMs = 140
        trace.firstWait = wait
        var attempt = TraceAttempt(number: 1, tier: .all, startedMs: 1140, task: 1, candidates: [
            TraceCandidate(replica: replica, maxOngoingRequests: 5),
        ])
        attempt.queueAhead = 0
        attempt.taskCap = 1
        attempt.choice = replica
        trace.attempts = [attempt]
        var send = TraceSend(replica: replica, atMs: 1140)
        send.outcome = "completed"
        send.endedMs = 1240
        trace.sends = [send]
        trace.outcome = "completed"
        trace.replica = replica
        trace.finishedMs = 1240
        return trace
    }

    @Test("T, a client's id and Enter show its trace: its place in the queue, the cap, and why it waited")
    func lookUpByClientID() {
        let control = FakeRouterControl(Fixtures.snapshot())
        control.setTraces([waitedTrace(request: 3, replica: "replica-1", external: "my-own-id-42")])
        let dashboard = Fixtures.controller(control)
        _ = dashboard.render(size: size)
        dashboard.handle(.character("T"))
        #expect(dashboard.render(size: size).contains("request id (req-N, N, or the client's own X-Request-Id):"))
        for character in "my-own-id-42" { dashboard.handle(.character(character)) }
        dashboard.handle(.enter)
        let screen = dashboard.render(size: size)
        #expect(screen.contains("Trace of my-own-id-42"))
        #expect(screen.contains("req-3  client id my-own-id-42"))
        #expect(screen.contains("2 requests ahead in the queue, task cap 2"))
        #expect(screen.contains("first attempt waited 140ms: task cap: next in line, but all 2 routing tasks the cap allows (2) were busy"))
        #expect(screen.contains("attempt 1  task-1  tier all  at t+1140ms  0 ahead  cap 1"))
        #expect(screen.contains("outcome completed by replica-1 at t+1240ms, 240ms after admission"))
        #expect(screen.contains("outcome completed by replica-1"))
        dashboard.handle(.escape)
        #expect(!dashboard.render(size: size).contains("Trace of"))
    }

    @Test("an id the router kept no trace for says what is searched")
    func unknownID() {
        let control = FakeRouterControl(Fixtures.snapshot())
        let dashboard = Fixtures.controller(control)
        _ = dashboard.render(size: size)
        dashboard.handle(.character("T"))
        for character in "req-77" { dashboard.handle(.character(character)) }
        dashboard.handle(.enter)
        #expect(dashboard.render(size: size).contains("req-77 has no trace: the router keeps the traces of its last 1000"))
    }

    @Test("the replica detail lists its recent requests; Tab selects one and Enter shows its trace")
    func recentRequestsLeadToTraces() {
        let control = FakeRouterControl(Fixtures.snapshot())
        // One trace for each replica, so whichever row is selected has one.
        control.setTraces((0..<8).map { waitedTrace(request: UInt64(100 + $0), replica: "replica-\($0)") })
        let dashboard = Fixtures.controller(control)
        _ = dashboard.render(size: size)
        dashboard.handle(.enter)
        _ = dashboard.render(size: size)
        let detail = dashboard.render(size: size)
        #expect(detail.contains("Recent requests of replica-"))
        #expect(detail.contains("completed  240ms  first attempt waited 140ms (task_cap)"))
        dashboard.handle(.enter)
        #expect(dashboard.render(size: size).contains("no request selected: Tab selects one"))
        dashboard.handle(.tab)
        dashboard.handle(.enter)
        let screen = dashboard.render(size: size)
        #expect(screen.contains("Trace of req-10"))
        #expect(screen.contains("outcome completed by replica-"))
    }
}
