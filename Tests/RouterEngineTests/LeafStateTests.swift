import Testing
import TestSupport
@testable import RouterEngine

/// The engine state kept without run-time exclusivity checks (`@exclusivity(unchecked)`): a
/// request's trace, the router's statistics, a routing task's state machine, a replica's latency
/// and rate, and the recording's logs of events. That is sound only while the state holds values
/// alone: changing it then runs no code but its own, so no second access to it can begin while one
/// is open. A class instance or a closure inside could run any code (a deinit when a change lets
/// go of it, a call), which could reach the state in the middle of a change, unchecked.
@Suite("State kept without exclusivity checks")
struct LeafStateTests {
    @Test("that state holds no class instance and no closure")
    func leafStateHoldsValuesOnly() throws {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        harness.router.startRecording()
        let failing = harness.add("failing", max: 5, rtt: .ms(1))
        let id = harness.submit()
        let probing = try #require(harness.router.taskPool.oldestFirst.first?.machine)
        harness.run(for: .ms(5))
        failing.finishOldest(.failedBeforeResponse)
        harness.run(for: .ms(5))
        failing.finishOldest(.rejected(queueLength: 5))
        harness.run(for: .ms(5))
        failing.finishOldest(.rejected(queueLength: 5))
        var settings = harness.router.settings
        settings.initialBackoff = 0.04
        try harness.router.apply(settings, by: CommandOrigin(user: "test"))
        harness.run(for: .ms(20))

        let live = try #require(harness.router.queue[id]?.trace, "the request still waits, with its trace")
        let sleeping = try #require(harness.router.taskPool.oldestFirst.first?.machine)
        let accepting = harness.add("accepting", max: 5, rtt: .ms(1))
        harness.run(for: .ms(200))
        failing.finishAll()
        accepting.finishAll()
        harness.settle()
        let result = try #require(harness.results.byID[id])
        #expect(result == .completed("failing") || result == .completed("accepting"))

        // The walk sees what is there: every optional and list the types have is filled here.
        let kept = try #require(harness.router.recentTraces().traces.last)
        #expect(kept.sends.map(\.outcome) == ["failed_before_response", "refused", "refused", "completed"])
        #expect(kept.attempts.contains { $0.waitMs != nil } && kept.attempts.contains { $0.choice != nil })
        #expect(kept.attempts.flatMap(\.candidates).contains { $0.probe?.roundTripMs != nil })
        let events = harness.router.snapshot(mode: .simulated).events
        #expect(events.contains { $0.change?.subject == .settings } && events.contains { $0.message.contains("upstream error") })
        #expect(!harness.router.backoffWaitsSlept.isEmpty && harness.router.lifetimeFulfillment.count > 0)

        #expect(probing.probingToken != 0 && sleeping.sleep != nil)
        let replica = try #require(harness.router.replicaSet["failing"])
        let recorder = try #require(harness.router.recorder)
        let logs = Mirror(reflecting: recorder).children.filter { ["arrivals", "sends", "probes", "requests", "counters"].contains($0.label) }
        try #require(logs.count == 5, "the five logs kept without checks, by name")

        #expect(referencesAndClosures(in: live).isEmpty)
        #expect(referencesAndClosures(in: kept).isEmpty)
        #expect(referencesAndClosures(in: harness.router.statistics).isEmpty)
        #expect(referencesAndClosures(in: probing).isEmpty && referencesAndClosures(in: sleeping).isEmpty)
        #expect(referencesAndClosures(in: replica.latency).isEmpty && referencesAndClosures(in: replica.rate).isEmpty)
        for log in logs {
            let entries = Mirror(reflecting: log.value).descendant("entries").map { Mirror(reflecting: $0).children.count }
            #expect((entries ?? 0) > 0, "\(log.label ?? "") has entries")
            #expect(referencesAndClosures(in: log.value).isEmpty, "\(log.label ?? "")")
        }
    }

    @Test("the walk finds a class instance and a closure, however deep")
    func theWalkFindsReferences() {
        final class Held {}
        struct Inner { var closure: (Int) -> Int = { $0 }; var values = [1, 2] }
        struct Outer { var inner = [Inner()]; var held: Held? = Held(); var byName = ["a": 1] }
        #expect(referencesAndClosures(in: Outer()) == [".inner.0.closure", ".held.some"])
    }
}
