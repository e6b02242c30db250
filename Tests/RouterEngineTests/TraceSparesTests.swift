import Testing
@testable import RouterEngine

/// The storage of dropped traces, lent to the next request's trace.
struct TraceSparesTests {
    /// A finished trace of one attempt (two candidates) and one send, each array made with room for `room` entries.
    private func trace(room: Int) -> RequestTrace {
        var candidates: [TraceCandidate] = []
        candidates.reserveCapacity(room)
        candidates.append(TraceCandidate(replica: "r1", maxOngoingRequests: 5))
        candidates.append(TraceCandidate(replica: "r2", maxOngoingRequests: 5))
        var trace = RequestTrace(request: 1, admittedMs: 0)
        trace.attempts.reserveCapacity(room)
        trace.attempts.append(TraceAttempt(number: 1, tier: .all, startedMs: 0, task: 1, candidates: candidates))
        trace.sends.reserveCapacity(room)
        trace.sends.append(TraceSend(replica: "r1", atMs: 0))
        return trace
    }

    /// A new trace, lent what `spares` kept of a dropped trace whose arrays had room for `room`.
    private func traceLent(afterDropping room: Int, by spares: inout TraceSpares) -> RequestTrace {
        var dropped = trace(room: room)
        spares.keep(from: &dropped)
        var next = RequestTrace(request: 2, admittedMs: 1)
        spares.lend(to: &next)
        return next
    }

    // A new array has no storage (capacity 0): an empty one with room is the kept storage.
    @Test func aDroppedTracesArraysAreLentEmptiedToTheNextTrace() {
        var spares = TraceSpares()
        let next = traceLent(afterDropping: 3, by: &spares)
        let candidates = spares.takeCandidates()
        #expect(next.attempts.isEmpty && next.attempts.capacity >= 3)
        #expect(next.sends.isEmpty && next.sends.capacity >= 3)
        #expect(candidates.isEmpty && candidates.capacity >= 3)
        // Lent once, they are not kept any more.
        var after = RequestTrace(request: 3, admittedMs: 2)
        spares.lend(to: &after)
        #expect(after.attempts.capacity == 0 && after.sends.capacity == 0 && spares.takeCandidates().capacity == 0)
    }

    @Test func arraysWithRoomBeyondTheLimitAreNotKept() {
        var spares = TraceSpares()
        let next = traceLent(afterDropping: TraceSpares.entryLimit + 1, by: &spares)
        #expect(next.attempts.capacity == 0 && next.sends.capacity == 0 && spares.takeCandidates().capacity == 0)
    }

    @Test func theArraysOfAtMostTheTraceLimitAreKept() {
        var spares = TraceSpares()
        for _ in 0...TraceSpares.traceLimit {
            var dropped = trace(room: 3)
            spares.keep(from: &dropped)
        }
        var lent: [RequestTrace] = []
        for request in 0...TraceSpares.traceLimit {
            var next = RequestTrace(request: UInt64(request), admittedMs: 0)
            spares.lend(to: &next)
            lent.append(next)
        }
        #expect(lent.prefix(TraceSpares.traceLimit).allSatisfy { $0.attempts.capacity >= 3 && $0.sends.capacity >= 3 })
        #expect(lent.last?.attempts.capacity == 0 && lent.last?.sends.capacity == 0)
    }

    @Test func aTraceInLentStorageTakesItsEntriesThere() {
        var spares = TraceSpares()
        var next = traceLent(afterDropping: 3, by: &spares)
        next.append(TraceSend(replica: "r2", atMs: 1), limit: Router.traceEntryLimit)
        #expect(next.sends == [TraceSend(replica: "r2", atMs: 1)])
        #expect(next.sends.capacity >= 3)
    }
}
