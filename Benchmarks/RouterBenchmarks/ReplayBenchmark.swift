import Foundation
import RouterEngine
import RouterSimulation

/// The what-if speed figure: a replay of 60 s at 1,000 req/s over 16 replicas (about 75 % of
/// their capacity), as recorded from a simulated run.
func runReplayBenchmark() {
    let replicas = (1...16).map { index in
        SimulatedReplicaSpec(
            info: ReplicaInfo(id: ReplicaID("r\(index)"), node: "node-\(index % 4)", zone: "zone-\(index % 2)",
                              maxOngoingRequests: 5),
            serviceTime: .exponential(meanMilliseconds: 60), probeRTT: .milliseconds(1)
        )
    }
    let scenario = Scenario(
        seed: 11, duration: .seconds(59),
        options: Router.Options(locality: Locality(node: "node-0", zone: "zone-0")),
        fleet: FleetSpec(replicas: replicas, load: SimulationStatus(requestsPerSecond: 1000, arrival: .poisson))
    )
    var recorded: Recording?
    _ = ScenarioRunner.run(scenario, settings: .defaults, recording: { recorded = $0 })
    guard let recording = recorded else { fatalError("the run kept no recording") }
    let encoded = try! JSONEncoder().encode(recording)
    print("Replay of a recording: \(recording.arrivals.atMs.count) arrivals over "
        + String(format: "%.1f s, 16 replicas; recording %.1f MB as JSON", recording.endS - recording.startS,
                 Double(encoded.count) / 1e6))
    var plan: ReplayPlan?
    // Wall time and the process's CPU time, best of `repeats`: on a shared machine the CPU time
    // is what one core spends on it, whatever else runs.
    func timed(_ label: String, repeats: Int = 5, _ body: () -> Void) {
        var best = (wall: Double.infinity, cpu: Double.infinity)
        for _ in 0..<repeats {
            let cpu = processCPUSeconds()
            let wall = ContinuousClock().measure(body)
            best = (min(best.wall, wall.millisecondsValue), min(best.cpu, (processCPUSeconds() - cpu) * 1000))
        }
        print("  " + label.padding(toLength: 46, withPad: " ", startingAt: 0)
            + String(format: "wall %8.1f ms   CPU %8.1f ms", best.wall, best.cpu))
    }
    timed("prepare (check and index the recording)") { plan = try! ReplayPlan(recording) }
    timed("one replay (best of 5)") { _ = RecordingReplay.run(plan!, settings: nil) }
    var edited = RouterSettings.defaults
    edited.initialBackoff = 0.1
    edited.backoffMultiplier = 3
    edited.maxBackoff = 1
    timed("what-if: live and edited, side by side") { _ = RecordingReplay.whatIf(plan!, live: .defaults, edited: edited) }
    var evaluated = 0
    timed("suggest: grid and refinement", repeats: 1) {
        evaluated = BackoffSuggester.suggest(plan!, live: .defaults, bounds: .defaults).evaluated
    }
    print("  (suggest replayed \(evaluated) settings)")
}

/// CPU time the process has used, in seconds (every thread).
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
