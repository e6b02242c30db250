import Foundation
import Testing
@testable import RouterEngine

/// Decision traces: what they record, their bound, and their determinism.
struct RequestTraceTests {
    @Test func aTraceFollowsARequestFromAdmissionThroughARefusalToItsOutcome() throws {
        let harness = RouterHarness(options: Router.Options(
            locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), routingTimeout: nil
        ))
        let refusing = harness.add("refusing", max: 5) { .queueLength(0) }
        harness.settle()
        let id = harness.submit()
        harness.settle()
        refusing.probeAnswer = { .queueLength(5) }
        refusing.finishOldest(.rejected(queueLength: 5))
        harness.settle()
        let accepting = harness.add("accepting", max: 5, rtt: .ms(2))
        harness.run(for: .ms(50))
        accepting.finishAll()
        harness.settle()
        #expect(harness.results.byID[id] == .completed("accepting"))
        let trace = try #require(harness.router.recentTraces().traces.first)
        #expect(trace.request == 1 && trace.admittedMs == 0 && trace.outcome == "completed" && trace.replica == "accepting")
        #expect(trace.sends.map(\.replica) == ["refusing", "accepting"])
        #expect(trace.sends.map(\.outcome) == ["refused", "completed"])
        #expect(trace.sends.first?.requeue == "refused")
        #expect(trace.attempts.first?.choice == "refusing")
        #expect(trace.attempts.first?.candidates.first?.cacheLength == 0)
        #expect(trace.attempts.map(\.tier).allSatisfy { $0 == .all })
    }

    @Test func theLogKeepsOnlyTheMostRecentTracesAndCountsTheRest() {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil, traceCapacity: 3))
        let replica = harness.add("r1", max: 100)
        for _ in 0..<5 { harness.submit() }
        harness.settle()
        replica.finishAll()
        harness.settle()
        let log = harness.router.recentTraces()
        #expect(log.traces.map(\.request) == [3, 4, 5])
        #expect(log.evicted == 2 && log.capacity == 3)
        #expect(harness.router.recentTraces(limit: 1).traces.map(\.request) == [5])
    }

    /// Four requests one after another over two replicas; the traces of the last `capacity` of them.
    private func tracesOfRequestsInTurn(capacity: Int) -> [RequestTrace] {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil, traceCapacity: capacity))
        let replicas = [harness.add("r1", max: 5), harness.add("r2", max: 5)]
        harness.settle()
        for _ in 0..<4 {
            harness.submit()
            harness.run(for: .ms(10))
            for replica in replicas { replica.finishAll() }
            harness.settle()
        }
        return harness.router.recentTraces().traces
    }

    // With room for one trace, the third and fourth traces are made in the storage of the one
    // dropped before them: each holds its own attempt and send only, as a trace made anew does.
    @Test func aTraceMadeInADroppedTracesStorageIsTheSameAsOneMadeAnew() throws {
        let all = tracesOfRequestsInTurn(capacity: 10)
        try #require(all.count == 4)
        let last = try #require(tracesOfRequestsInTurn(capacity: 1).first)
        #expect(last == all[3])
        #expect(last.attempts.count == 1 && last.sends.count == 1 && last.attempts[0].candidates.count == 2)
    }

    @Test func aRequestThatWaitsForEverKeepsABoundedTrace() throws {
        let harness = RouterHarness(options: Router.Options(
            locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), routingTimeout: nil
        ))
        harness.add("full", max: 1) { .queueLength(1) }
        harness.settle()
        let id = harness.submit()
        harness.run(for: .seconds(60))
        let trace = try #require(harness.router.queue[id]?.trace)
        #expect(trace.attempts.count == Router.traceEntryLimit)
        let omitted = try #require(trace.attemptsOmitted)
        #expect(trace.attempts.first?.number == omitted + 1)
        #expect(trace.attempts.last?.number == harness.router.queue[id]?.routing.attempts)
    }
}
