import Foundation
import TestSupport
import Testing
@testable import RouterEngine
@testable import RouterSimulation

struct ScenarioTests {
    static let scenarios = PackagePaths.file("Scenarios")

    static func path(_ name: String) -> String { scenarios.appendingPathComponent(name).path }

    static func json(_ report: ScenarioReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    static func run(_ name: String, legacy: Bool = false, seed: UInt64? = nil) throws -> ScenarioReport {
        var scenario = try ScenarioParser.load(path: path(name))
        if let seed { scenario.seed = seed }
        let settings = try ScenarioRunner.settings(for: scenario, base: .defaults)
        return ScenarioRunner.run(scenario, settings: settings, legacyBackoff: legacy)
    }

    @Test(arguments: ["steady.toml", "burst.toml", "faults.toml", "near-capacity.toml"])
    func shippedScenariosRunAndLoseNothing(name: String) throws {
        let report = try Self.run(name)
        #expect(report.conserved)
        #expect(report.admitted > 1000)
        #expect(report.pending == 0 && report.running == 0)
        #expect(report.admitted == report.completed + report.failed.values.reduce(0, +))
    }

    @Test func identicalSeedsGiveIdenticalJSON() throws {
        let first = try Self.json(Self.run("faults.toml"))
        let second = try Self.json(Self.run("faults.toml"))
        #expect(first == second)
        let other = try Self.json(Self.run("faults.toml", seed: 99))
        #expect(other != first)
    }

    @Test func theFaultScenarioKillsOneReplicaAndLosesNoRequest() throws {
        let report = try Self.run("faults.toml")
        #expect(report.replicas.first { $0.id == "r4" }?.finalState == "dead")
        #expect(report.replicas.filter { $0.id != "r4" }.allSatisfy { $0.finalState == "healthy" })
        #expect(report.failed.values.reduce(0, +) == 0)
        #expect(report.retries.reroutes >= 1)
        // r2's 5 s of unavailability: sends that found it so are routed again, as Ray's ActorUnavailableError.
        #expect(report.retries.unavailableSends >= 1)
        // Sends keep r5's cache entry fresh, so its slow probes never hold up its traffic.
        #expect(report.replicas.first { $0.id == "r5" }!.routed > 0)
        #expect(report.params.initialBackoff == 0.01)
    }

    @Test func theFirstRetryNeverSleepsUnderTheDefaultPolicy() throws {
        let current = try Self.run("near-capacity.toml")
        #expect(current.backoffWaitsByAttemptMs["1"] == nil)
        #expect(current.backoffWaitsByAttemptMs["2"] == [25])
        let legacy = try Self.run("near-capacity.toml", legacy: true)
        #expect(legacy.backoffWaitsByAttemptMs["1"] == [25])
        #expect(current.fulfillmentMs.p50 < legacy.fulfillmentMs.p50)
    }

    @Test(arguments: [
        ("seed = 1\nduration_s = 10\nspeed = 3\n", 3, "unknown key \"speed\" in the top level; known keys: duration_s, events, load, replicas, router, seed"),
        ("duration_s = 10\n[[replicas]]\nid = \"a\"\nnode = \"n\"\nzone = \"z\"\nservice_time_ms = { mean = 3, sd = 1 }\n", 6,
         "unknown key \"sd\" in service_time_ms of [replicas] #1; known keys: distribution, mean, sigma"),
        ("seed = 1\n", 1, "the scenario needs duration_s"),
        ("duration_s = 10\n[[events]]\nat_s = 1\naction = \"explode\"\n", 4, "action 'explode' is unknown"),
        ("duration_s = 10\n[[events]]\nat_s = 11\naction = \"dead\"\nreplica = \"r1\"\n", 3, "at_s = 11 is after the end"),
        ("duration_s = 10\n[[events]]\nat_s = 1\naction = \"dead\"\nreplica = \"ghost\"\n", 5, "there is no replica 'ghost'"),
        ("duration_s = 10\n[router]\ninitial_backoff_s = -1\n", 3, "initial_backoff_s=-1 is negative"),
        ("duration_s = 10\n[[replicas]]\nid = \"a\"\nnode = \"n\"\nzone = \"z\"\nservice_time_ms = { distribution = \"gamma\", mean = 3 }\n", 6, "distribution 'gamma' is unknown"),
        ("duration_s = 10\n[[replicas]]\nid = \"a\"\nnode = \"n\"\n", 2, "[replicas] #1 needs zone"),
        ("duration_s = 10\n[load]\nrate_rps = \"fast\"\n", 3, "rate_rps must be a number"),
        ("duration_s = = 10\n", 1, "could not determine value type"),
        // A constant load this fast once stopped virtual time: the gap between arrivals rounded to zero.
        ("duration_s = 10\n[load]\nrate_rps = 3e9\narrival = \"constant\"\n", 3,
         "rate_rps: load 3000000000 req/s is out of range; it must be from 0 to 1000000 req/s"),
        ("duration_s = 10\n[load]\nrate_rps = 100\n[[events]]\nat_s = 1\naction = \"set_load\"\nrate_rps = 2e6\n", 7,
         "rate_rps: load 2000000 req/s is out of range"),
        ("duration_s = 10\n[[events]]\nat_s = 1\naction = \"set_load\"\n", 2, "set_load needs rate_rps"),
        ("duration_s = 86400\n[load]\nrate_rps = 1000\n", 3, "offers about 86400000 requests"),
        ("duration_s = 100\n[[events]]\nat_s = 50\naction = \"set_load\"\nrate_rps = 200000\n", 1,
         "offers about 10000000 requests (rate_rps × duration_s); at most 5000000 can be simulated"),
        ("[\u{E9}]\nduration_s = 1\n", 1, "a table name must start with a letter, a digit, - or _, or be quoted; found 'é'"),
    ])
    func malformedFilesNameTheLineAndReason(text: String, line: Int, reason: String) {
        do {
            let scenario = try ScenarioParser.parse(text, file: "bad.toml")
            _ = try ScenarioRunner.settings(for: scenario, base: .defaults)
            Issue.record("accepted: \(text)")
        } catch let error as ScenarioError {
            #expect(error.file == "bad.toml")
            #expect(error.line == line)
            #expect(error.reason.contains(reason))
            #expect(error.description.hasPrefix("bad.toml:\(line): "))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// A rule between two settings is the one validator's, with its message, not the file parser's.
    @Test func aRuleBetweenSettingsIsTheValidatorsRefusal() throws {
        let scenario = try ScenarioParser.parse("duration_s = 10\n[router]\nmax_backoff_s = 0.01\n", file: "bad.toml")
        var settings = RouterSettings.defaults
        settings.maxBackoff = 0.01
        var refusal: ConfigurationError?
        do { try SettingsValidator.validate(settings, subject: { $0.fileKey }) } catch { refusal = error }
        let expected = try #require(refusal)
        #expect(throws: expected) { try ScenarioRunner.settings(for: scenario, base: .defaults) }
        #expect(expected.description.hasPrefix("max_backoff_s=0.01 is below the initial backoff"))
    }

    @Test func aLoadAtTheLimitRunsAndEnds() throws {
        let text = "duration_s = 0.01\n[load]\nrate_rps = 1000000\narrival = \"constant\"\n"
            + "[[replicas]]\nid = \"a\"\nnode = \"n\"\nzone = \"z\"\nmax_ongoing_requests = 100000\nservice_time_ms = 0.001\n"
        let scenario = try ScenarioParser.parse(text, file: "fast.toml")
        let report = ScenarioRunner.run(scenario, settings: .defaults)
        #expect(report.admitted == 9_999, "one arrival every microsecond, none at the end")
        #expect(report.conserved)
    }

    @Test func theScenarioAndLiveLoadLimitsAreOneRule() {
        let host = SimulationHost(
            fleet: FleetSpec(replicas: [], load: .init(requestsPerSecond: 0, arrival: .constant)),
            settings: .defaults, scheduler: VirtualScheduler(), seed: 1
        )
        let over = LoadRate.maximumRequestsPerSecond.nextUp
        #expect(host.setLoad(over, by: CommandOrigin(user: "test")) == .refused(LoadRate.problem(over)!))
        #expect(host.setLoad(LoadRate.maximumRequestsPerSecond, by: CommandOrigin(user: "test")) == .done("load 1000000 req/s"))
        #expect(throws: ScenarioError.self) {
            try ScenarioParser.parse("duration_s = 1\n[load]\nrate_rps = \(over)\n", file: "x.toml")
        }
    }

    @Test func anUnreadableFileIsNamed() {
        #expect(throws: ScenarioError(file: "/nonexistent/x.toml", line: 0, reason: "no such file")) {
            try ScenarioParser.load(path: "/nonexistent/x.toml")
        }
    }

    @Test func aScenarioGivesTheSameTracesEveryRun() throws {
        let scenario = try ScenarioParser.load(path: Self.path("faults.toml"))
        var first: [RequestTrace] = []
        var second: [RequestTrace] = []
        _ = ScenarioRunner.run(scenario, settings: .defaults, trace: { first.append($0) })
        _ = ScenarioRunner.run(scenario, settings: .defaults, trace: { second.append($0) })
        #expect(first.count > 1000)
        #expect(first == second)
        #expect(first.allSatisfy { $0.outcome != nil })
    }
}
