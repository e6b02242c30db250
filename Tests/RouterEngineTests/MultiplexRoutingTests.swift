import Testing
@testable import RouterEngine

/// The multiplexed routing rules, each on virtual time, exactly.
struct MultiplexRoutingTests {
    private static let everywhere = Locality(node: "node-a", zone: "zone-1", preferLocal: false)

    private static func harness(_ settings: RouterSettings = .defaults, seed: UInt64 = 1) -> RouterHarness {
        RouterHarness(settings: settings, options: Router.Options(locality: everywhere, routingTimeout: nil), seed: seed)
    }

    @Test func aRequestForAHeldModelGoesToAHolder() {
        let harness = Self.harness()
        let others = (1...3).map { index in harness.addHolder("r\(index)") { [] } }
        let holder = harness.addHolder("holder") { ["m"] }
        harness.settle()
        var ids: [RequestID] = []
        for _ in 0..<4 {
            ids.append(harness.submit(model: "m"))
            harness.settle()
        }
        #expect(holder.received == ids)
        #expect(others.allSatisfy { $0.received.isEmpty })
        holder.finishAll()
        harness.settle()
        #expect(ids.allSatisfy { harness.tiers(of: $0) == [.model] })
        #expect(harness.router.snapshot(mode: .simulated).models?.hits == 4)
        #expect(harness.router.snapshot(mode: .simulated).models?.misses == 0)
    }

    @Test func withNoHolderTheFirstRequestGoesToTheFewestModelsAndLaterOnesWaitForTheReport() {
        let harness = Self.harness()
        let busy = harness.addHolder("busy") { ["a", "b"] }
        let some = harness.addHolder("some") { ["a"] }
        let idle = (1...2).map { index in harness.addHolder("idle\(index)") { [] } }
        harness.settle()
        let first = harness.submit(model: "x")
        harness.settle()
        let second = harness.submit(model: "x")
        harness.settle()
        #expect(busy.received.isEmpty && some.received.isEmpty)
        #expect(idle.flatMap(\.received).sorted() == [first, second])
        idle.forEach { $0.finishAll() }
        harness.settle()
        #expect(harness.tiers(of: first) == [.fewestModels])
        // The model is now in the fallback set: no holder yet, so the first attempt has no candidates
        // (it counts as failed, and the first retry is immediate), then the fewest-models set.
        #expect(harness.tiers(of: second) == [.model, .fewestModels])
        #expect(harness.router.snapshot(mode: .simulated).models?.misses == 2)
    }

    @Test func holdersBusyPastTheTimeoutGiveTheFewestModelsSetOnceThenAll() throws {
        let harness = Self.harness(RouterSettings(cacheTimeout: 0, modelMatchingTimeout: 0.1))
        harness.addHolder("holder", max: 1) { ["m", "a"] }.probeAnswer = { .queueLength(1, models: ["m", "a"]) }
        harness.addHolder("fewest", max: 1) { ["z"] }.probeAnswer = { .queueLength(1, models: ["z"]) }
        let roomy = harness.addHolder("roomy", max: 1) { ["a", "b", "c"] }
        harness.settle()
        let id = harness.submit(model: "m")
        harness.run(for: .seconds(1))
        #expect(roomy.received == [id])
        roomy.finishAll()
        harness.settle()
        let trace = try #require(harness.router.recentTraces().traces.first { $0.request == id.rawValue })
        let timeout = trace.attempts.last { $0.tier == .fewestModels }.map(\.startedMs)
        let tiers = trace.attempts.map(\.tier)
        #expect(Array(tiers.prefix(2)) == [.model, .fewestModels])
        // Before the timeout only the holders (once) and the fewest-models set; after it the
        // fewest-models set once, then every replica.
        let firstAll = try #require(tiers.firstIndex(of: .all))
        #expect(tiers[firstAll - 1] == .fewestModels)
        #expect(tiers[firstAll...].allSatisfy { $0 == .all })
        #expect(tiers.filter { $0 == .model }.count == 1)
        let lastFewest = try #require(timeout)
        #expect(lastFewest >= 100 && lastFewest < 200 + 500)
        let beforeLast = trace.attempts[firstAll - 2]
        #expect(beforeLast.tier == .fewestModels && beforeLast.startedMs < 200)
        // Every attempt counts for backoff: the first retry is immediate, the second waits 25 ms.
        #expect(trace.attempts[0].waitMs == 0)
        #expect(trace.attempts[1].waitMs == 25)
    }

    @Test func theOldestRequestForTheModelGetsTheReplicaBeforeOlderRequestsForOthers() throws {
        let harness = Self.harness(RouterSettings(cacheTimeout: 0))
        let forM = harness.addHolder("forM", max: 1) { ["m", "z"] }
        let forQ = harness.addHolder("forQ", max: 1) { ["q"] }
        harness.settle()
        let firstM = harness.submit(model: "m")
        harness.settle()
        let firstQ = harness.submit(model: "q")
        harness.settle()
        #expect(forM.received == [firstM] && forQ.received == [firstQ])
        // Both full. Within their matching timeouts p and y only draw from forQ once y's holders
        // failed (forQ holds q, and holds the fewest models).
        let p = harness.submit(model: "q")
        let y = harness.submit(model: "m")
        harness.run(for: .ms(50))
        forM.finishOldest()
        harness.run(for: .ms(10))
        // A new request for m finds forM free; it goes to y, the oldest waiting for m, not to p
        // (older, for another model) nor to z itself.
        let z = harness.submit(model: "m")
        harness.settle()
        #expect(forM.received == [firstM, y])
        #expect(forQ.received == [firstQ])
        #expect(harness.results.byID[p] == nil)
        // z's own attempt found forM and handed it on; its trace says so.
        harness.router.cancel(z)
        let trace = try #require(harness.router.recentTraces().traces.first { $0.request == z.rawValue })
        #expect(trace.attempts.first?.handedTo == y.rawValue)
    }

    @Test func reportsUpdateTheHolderSets() {
        let harness = Self.harness(RouterSettings(cacheTimeout: 0))
        var holds = ["first": ["m"], "second": [String]()]
        let first = harness.addHolder("first") { holds["first"]! }
        let second = harness.addHolder("second") { holds["second"]! }
        harness.settle()
        #expect(harness.router.replicaModels("first") == ["m"])
        let before = harness.submit(model: "m")
        harness.settle()
        #expect(first.received == [before])
        holds = ["first": [], "second": ["m", "n"]]
        // Any probe brings the new reports in; a request without a model probes both here.
        harness.submit(model: nil)
        harness.settle()
        #expect(harness.router.replicaModels("first") == [])
        #expect(harness.router.replicaModels("second") == ["m", "n"])
        #expect(harness.router.replicaSet["second"]?.modelLoadsSeen == 2)
        let after = harness.submit(model: "m")
        harness.settle()
        #expect(second.received.last == after)
    }

    @Test func requestsWithoutAModelRouteExactlyAsBefore() {
        func run(reporting models: [String]) -> [[RequestID]] {
            let harness = Self.harness(RouterSettings(cacheTimeout: 0.05), seed: 7)
            let replicas = (1...5).map { index in harness.addHolder("r\(index)", max: 2) { models } }
            harness.settle()
            for step in 0..<40 {
                harness.submit(model: nil)
                harness.run(for: .ms(3))
                if step % 3 == 0 { replicas.forEach { if !$0.open.isEmpty { $0.finishOldest() } } }
            }
            replicas.forEach { $0.finishAll() }
            harness.run(for: .seconds(2))
            replicas.forEach { $0.finishAll() }
            harness.settle()
            return replicas.map(\.received)
        }
        let plain = run(reporting: [])
        #expect(plain.joined().count == 40)
        #expect(run(reporting: ["m", "n"]) == plain)
    }

    @Test func theMatchingTimeoutIsValidatedLikeEveryOtherVariable() throws {
        #expect(throws: ConfigurationError.self) {
            try StartupConfiguration.resolve(environment: ["RAY_SERVE_MULTIPLEXED_MODEL_ID_MATCHING_TIMEOUT_S": "-1"])
        }
        do {
            _ = try StartupConfiguration.resolve(environment: ["RAY_SERVE_MULTIPLEXED_MODEL_ID_MATCHING_TIMEOUT_S": "soon"])
            Issue.record("a bad value was accepted")
        } catch {
            #expect(error.description == "RAY_SERVE_MULTIPLEXED_MODEL_ID_MATCHING_TIMEOUT_S=soon is not a number; it must be a finite number ≥ 0")
        }
        // A valid value that is refused fails here with the refusal, not as a nil.
        let startup = try StartupConfiguration.resolve(environment: ["RAY_SERVE_MULTIPLEXED_MODEL_ID_MATCHING_TIMEOUT_S": "2.5"])
        #expect(startup.router.modelMatchingTimeout == 2.5)
    }
}

/// A replica's model report cut to the router's limit is said once in the event log, with the count.
@Suite struct ModelReportCutTests {
    @Test func aCutReportIsSaidOncePerReplicaWithTheCount() {
        let harness = RouterHarness(settings: RouterSettings(cacheTimeout: 0), options: Router.Options(locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), routingTimeout: nil), seed: 1)
        let ids = (0..<300).map { "m\($0)" }
        let big = harness.add("big", max: 5) { .queueLength(0, models: ids, modelsNotKept: 10) }
        big.probeAnswer = { .queueLength(0, models: ids, modelsNotKept: 10) }
        harness.addHolder("small") { ["a"] }
        harness.settle()
        for _ in 0..<5 {
            harness.submit(model: "m1")
            harness.run(for: .seconds(1))
        }
        let said = harness.router.snapshot(mode: .simulated).events.map(\.message).filter { $0.contains("reported") }
        #expect(said == ["big reported 310 model ids; the router keeps the first 256 valid ones (at most 256) and drops 54; said once for this replica"])
        #expect(harness.router.replicaSet.modelTally.idsNotKept >= 54)
    }
}
