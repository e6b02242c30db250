import Testing
@testable import RouterEngine
@testable import RouterSimulation

/// The multiplexing scenario, the simulated replicas' model caches, and the scenario keys.
struct MultiplexScenarioTests {
    static func run(multiplex: Bool, cacheTimeout: Double? = nil) throws -> ScenarioReport {
        let scenario = try ScenarioParser.load(path: ScenarioTests.path("multiplex.toml"))
        var settings = try ScenarioRunner.settings(for: scenario, base: .defaults)
        if let cacheTimeout { settings.cacheTimeout = cacheTimeout }
        return ScenarioRunner.run(scenario, settings: settings, multiplexRouting: multiplex)
    }

    /// The simulated replicas tell their models with every answer, so a replica routed from the
    /// cache for 10 s is not a blind spot: the hit rate stays at 90 % or more at the default TTL.
    @Test func modelsToldWithEveryAnswerKeepTheHitRateAtTheDefaultCacheTTL() throws {
        let aware = try #require(try Self.run(multiplex: true, cacheTimeout: 10).models)
        let plain = try #require(try Self.run(multiplex: false, cacheTimeout: 10).models)
        #expect(aware.hitRate >= 0.9, "hit rate \(aware.hitRate)")
        #expect(aware.hitRate > plain.hitRate + 0.5)
        let file = try #require(try Self.run(multiplex: true).models)
        #expect(file.hitRate >= 0.99, "hit rate at the file's 0.1 s: \(file.hitRate)")
    }

    @Test func multiplexAwareRoutingHitsMoreAndWaitsLessThanPlainPowerOfTwo() throws {
        let aware = try Self.run(multiplex: true)
        let plain = try Self.run(multiplex: false)
        for report in [aware, plain] {
            #expect(report.conserved)
            #expect(report.pending == 0 && report.running == 0)
        }
        let awareModels = try #require(aware.models)
        let plainModels = try #require(plain.models)
        #expect(awareModels.multiplexRouting && !plainModels.multiplexRouting)
        #expect(awareModels.hits + awareModels.misses == aware.completed)
        #expect(awareModels.hitRate > plainModels.hitRate)
        #expect(awareModels.loads < plainModels.loads)
        #expect(awareModels.endToEndMs.all.p99 < plainModels.endToEndMs.all.p99)
        // A miss waits for a 500 ms load; a hit does not.
        #expect(awareModels.endToEndMs.miss.p50 >= 500)
        #expect(awareModels.endToEndMs.hit.p50 < 500)
    }

    @Test func aModelCacheLoadsOnFirstUseAndEvictsTheLeastRecentlyUsed() {
        var cache = ModelCache(capacity: 2)
        #expect(cache.use("a") == .init(loaded: true, evicted: nil))
        #expect(cache.use("b") == .init(loaded: true, evicted: nil))
        #expect(cache.use("a") == .init(loaded: false, evicted: nil))
        #expect(cache.use("c") == .init(loaded: true, evicted: "b"))
        #expect(cache.models == ["a", "c"])
        #expect(cache.loads == 3 && cache.evictions == 1)
    }

    @Test func aSimulatedReplicaLoadsOnFirstUseAndReportsItsModels() {
        let scheduler = VirtualScheduler()
        let replica = SimulatedReplica(
            id: "r1", capacity: 4, serviceTime: .constant(milliseconds: 10), probeRTT: .zero,
            scheduler: scheduler, random: SeededRandom(seed: 1)
        )
        replica.serveModels(max: 1, load: .milliseconds(100))
        var finished: [EngineTime] = []
        for (index, model) in ["m", "m", "n"].enumerated() {
            _ = replica.send(DispatchedRequest(id: RequestID(UInt64(index + 1)), reroutes: 0, model: model, payload: nil)) { _ in
                finished.append(scheduler.now)
            }
        }
        var answer: ProbeAnswer?
        _ = replica.probeQueueLength { answer = $0 }
        scheduler.run(until: .zero + .seconds(1))
        // The second request for "m" waits for the load the first started; "n" evicts "m".
        let done = EngineTime.zero + .milliseconds(110)
        #expect(finished == [done, done, done])
        #expect(answer == .queueLength(3, maxOngoingRequests: 4, models: ["n"]))
        #expect(replica.modelCache?.loads == 2 && replica.modelCache?.evictions == 1)
    }

    @Test func zipfWeightsFavourTheFirstModels() {
        let zipf = ModelDistribution.zipf(count: 20, s: 1.1)!
        var random = SeededRandom(seed: 3)
        var counts: [String: Int] = [:]
        for _ in 0..<10_000 { counts[zipf.sample(&random), default: 0] += 1 }
        #expect(counts.count == 20)
        #expect(counts["model-1"]! > counts["model-2"]!)
        #expect(counts["model-2"]! > counts["model-20"]! * 5)
    }

    @Test(arguments: [
        ("models = { count = 0 }", "models: count = 0 is out of range"),
        ("models = { count = 3, distribution = \"pareto\" }", "models distribution 'pareto' is unknown"),
        ("models = [0, 0]", "models weights must be"),
        ("models = \"many\"", "models must be a table"),
    ])
    func badModelLoadsAreRefusedWithTheirLine(text: String, reason: String) {
        let file = "seed = 1\nduration_s = 1\n[load]\nrate_rps = 1\n\(text)\n"
        do {
            _ = try ScenarioParser.parse(file, file: "x.toml")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == 5)
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }

    @Test func modelLoadNeedsMaxModels() {
        let file = "seed = 1\nduration_s = 1\n[[replicas]]\nid = \"r\"\nnode = \"n\"\nzone = \"z\"\nmodel_load_ms = 5\n"
        #expect(throws: ScenarioError.self) { try ScenarioParser.parse(file, file: "x.toml") }
    }
}
