import Foundation
import Testing
@testable import RouterEngine

struct RecordingReplayTests {
    static func recordedRun(_ name: String) throws -> (ScenarioReport, Recording) {
        let scenario = try ScenarioParser.load(path: ScenarioTests.path(name))
        let settings = try ScenarioRunner.settings(for: scenario, base: .defaults)
        var recorded: Recording?
        let report = ScenarioRunner.run(scenario, settings: settings, recording: { recorded = $0 })
        return (report, try #require(recorded))
    }

    /// Under its own settings the replay sees the same arrivals at the same nanosecond, and every
    /// send and probe comes at its recorded moment and takes its recorded duration and answer, from
    /// the same random state: it is the same run, figure for figure.
    @Test(arguments: ["near-capacity.toml", "faults.toml", "burst.toml"])
    func aReplayOfARecordedRunUnderItsOwnSettingsGivesItsFigures(name: String) throws {
        let (simulated, recording) = try Self.recordedRun(name)
        #expect(recording.dropped == Recording.Counts())
        #expect(recording.startS == 0)
        #expect(recording.arrivals.atMs.count == simulated.admitted)
        // Through the file format, as `simulate --replay` reads it.
        let decoded = try JSONDecoder().decode(Recording.self, from: JSONEncoder().encode(recording))
        #expect(decoded == recording)
        var replayed = RecordingReplay.run(try ReplayPlan(decoded), settings: nil)
        replayed.seed = simulated.seed
        replayed.durationS = simulated.durationS
        #expect(replayed == simulated)
    }

    @Test func aReplayUnderOtherSettingsChangesWhatTheSettingsChange() throws {
        let (simulated, recording) = try Self.recordedRun("near-capacity.toml")
        let plan = try ReplayPlan(recording)
        var slow = recording.settings
        slow.initialBackoff = 0.2
        slow.backoffMultiplier = 3
        slow.maxBackoff = 1
        let replayed = RecordingReplay.run(plan, settings: slow)
        #expect(replayed.admitted == simulated.admitted)
        #expect(replayed.params.initialBackoff == 0.2)
        #expect(replayed.backoffWaitsByAttemptMs["2"] == [200])
        #expect(replayed.fulfillmentMs.p99 > simulated.fulfillmentMs.p99)
    }

    @Test func suggestKeepsTheBestThreeWithinBoundsAndNoMoreRoutingTimeoutsThanNow() throws {
        let (_, recording) = try Self.recordedRun("near-capacity.toml")
        let plan = try ReplayPlan(recording)
        let bounds = SuggestBounds(initialBackoff: 0...0.05, backoffMultiplier: 1...3, maxBackoff: 0.05...0.5)
        var reported: [(Int, Int)] = []
        let reply = BackoffSuggester.suggest(plan, live: recording.settings, bounds: bounds) { reported.append(($0, $1)) }
        #expect(reply.elapsedMs < 10_000)
        #expect(reply.evaluated >= 2)
        #expect(!reported.isEmpty && reported.allSatisfy { $0.0 <= $0.1 })
        #expect((1...3).contains(reply.suggestions.count))
        let p99s = reply.suggestions.map(\.figures.fulfillmentP99Ms)
        #expect(p99s == p99s.sorted())
        for suggestion in reply.suggestions {
            #expect(suggestion.figures.routingTimeouts <= reply.live.routingTimeouts)
            #expect(bounds.initialBackoff.contains(suggestion.settings.initialBackoff))
            #expect(bounds.backoffMultiplier.contains(suggestion.settings.backoffMultiplier))
            #expect(bounds.maxBackoff.contains(suggestion.settings.maxBackoff))
            // The figures are the replay's under those settings.
            let replayed = RecordingReplay.figures(of: RecordingReplay.run(plan, settings: suggestion.settings))
            #expect(replayed == suggestion.figures)
        }
    }

    @Test func aBadRecordingIsRefusedWithTheFieldNamed() throws {
        var (_, recording) = try Self.recordedRun("steady.toml")
        recording.arrivals.model.removeLast()
        let error = #expect(throws: ReplayError.self) { try ReplayPlan(recording) }
        #expect(error?.description.contains("arrivals.model") == true)
    }
}
