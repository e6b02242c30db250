import Foundation
import Testing
@testable import RouterEngine
@testable import RouterSimulation

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

    /// A live router's timers fire a little late, so its recovery probes of an unavailable replica
    /// (and the answer that ended the window) come a few milliseconds after a replay's, which asks
    /// on the same schedule: the replayed replica is back when the recorded one came back, not one
    /// recovery interval (here 10 s) later.
    @Test func aReplayFindsAnUnavailableReplicaBackOnTheRecordedRecoverySchedule() throws {
        let (simulated, recording) = try Self.recordedRun("faults.toml")
        var late = recording
        let index = try #require(late.replicas.firstIndex { $0.id == "r2" })
        // The window its recovery probes ended.
        let last = late.replicas[index].unavailable.count - 1
        let window = try #require(late.replicas[index].unavailable.last)
        let lateBy = 2.0
        late.replicas[index].probes.atMs = late.replicas[index].probes.atMs.map { $0 > window.fromS * 1000 ? $0 + lateBy : $0 }
        late.replicas[index].unavailable[last].toS = try #require(window.toS) + lateBy / 1000
        let replayed = RecordingReplay.run(try ReplayPlan(late), settings: nil)
        let routed = { (report: ScenarioReport) in report.replicas.first { $0.id == "r2" }?.routed ?? 0 }
        #expect(replayed.admitted == simulated.admitted)
        #expect(abs(routed(replayed) - routed(simulated)) <= routed(simulated) / 50)
        #expect(abs(replayed.fulfillmentMs.p99 - simulated.fulfillmentMs.p99) <= simulated.fulfillmentMs.p99 / 4)
    }

    /// Probes a replay sends at a moment no probe was recorded take round trips drawn from those
    /// recorded nearby, so probes sent together (routing tasks that slept the same backoff) end
    /// apart, as a live router's do, and not all at the round trip of the last one recorded.
    @Test func probesAtOneMomentEndAtRoundTripsDrawnFromTheRecordedOnesNearby() throws {
        let trips: [Int64] = [100_000, 200_000, 400_000, 800_000, 1_600_000]
        let probeAt = (0..<50).map { Int64($0) * 10_000_000 }
        let plan = ReplayPlan.Replica(
            info: ReplicaInfo(id: "r1", node: "n", zone: "z", maxOngoingRequests: 4), capacity: 4,
            sendAt: [], sendDuration: [], sendOutcome: [], servedAt: [], servedDuration: [],
            probeAt: probeAt, probeRoundTrip: probeAt.indices.map { trips[$0 % trips.count] },
            probeAnswer: probeAt.map { _ in ProbeCode.queueLength }, unavailable: [], deadAt: nil, addedAt: nil
        )
        let scheduler = VirtualScheduler()
        let replica = ReplayedReplica(plan: plan, fleetService: [], fleetRoundTrip: 1_000_000, scheduler: scheduler,
                                      random: SeededRandom(seed: 7))
        scheduler.run(until: EngineTime(nanoseconds: 255_000_000))
        var ended: [Int64] = []
        for _ in 0..<40 {
            _ = replica.probeQueueLength { answer in
                #expect(answer == .queueLength(0, maxOngoingRequests: 4))
                ended.append(scheduler.now.nanoseconds - 255_000_000)
            }
        }
        scheduler.run(until: EngineTime(nanoseconds: 300_000_000))
        #expect(ended.count == 40)
        #expect(ended.allSatisfy { trips.contains($0) })
        #expect(Set(ended).count == trips.count)
    }

    /// Requests for multiplexed models are routed by model in a replay too: a replayed replica
    /// tells the router the model of each request it served, so later requests for that model find
    /// it among the model's holders. Without that, no replica ever held a model, and every request
    /// for one failed an attempt over the empty set of holders first (9,005 failed attempts where
    /// the simulated run had 77).
    @Test func aReplayRoutesRequestsForModelsToTheReplicasThatServedThem() throws {
        let (simulated, recording) = try Self.recordedRun("multiplex.toml")
        #expect(recording.models.count > 10)
        let replayed = RecordingReplay.run(try ReplayPlan(recording), settings: nil)
        #expect(replayed.retries.failedAttempts <= 3 * simulated.retries.failedAttempts)
        #expect(replayed.fulfillmentMs.p99 <= simulated.fulfillmentMs.p99 + 5)
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
