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
        #expect(replayed.params.initialBackoffS == 0.2)
        #expect(replayed.backoffWaitsByAttemptMs["2"] == [200])
        #expect(replayed.fulfillmentMs.p99 > simulated.fulfillmentMs.p99)
    }

    @Test func aBadRecordingIsRefusedWithTheFieldNamed() throws {
        var (_, recording) = try Self.recordedRun("steady.toml")
        recording.arrivals.model.removeLast()
        let error = #expect(throws: ReplayError.self) { try ReplayPlan(recording) }
        #expect(error?.description.contains("arrivals.model") == true)
    }
}
