import PropertyBased
import Testing
@testable import RouterEngine
@testable import RouterSimulation

/// Random fleets with random faults keep `admitted = completed + failed + pending + running` at
/// every step, and end with nothing pending or running.
struct ConservationPropertyTests {
    @Test func randomFleetsWithRandomFaultsLoseNothing() async {
        await propertyCheck(
            count: 40,
            input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...12), Gen.int(in: 0...8), Gen.int(in: 20...800)
        ) { seed, replicaCount, faultCount, rate in
            let scenario = Self.randomScenario(seed: UInt64(seed), replicas: replicaCount, faults: faultCount, rate: Double(rate))
            var violations = 0
            var steps = 0
            let report = ScenarioRunner.run(scenario, settings: .defaults, observe: { router in
                steps += 1
                let totals = router.totals
                if !totals.isConserved || totals.pending < 0 || totals.running < 0 { violations += 1 }
            }, maxSteps: 2_000_000)
            // Ten seconds of at most 800 req/s is far below the cap; reaching it means a loop in zero time.
            #expect(steps > 0 && steps < 2_000_000)
            #expect(violations == 0)
            #expect(report.conserved)
            #expect(report.pending == 0)
            #expect(report.running == 0)
            #expect(report.admitted == report.completed + report.failed.values.reduce(0, +))
        }
    }

    /// Random adds, removals, deaths, unavailability, refusals (saturation) and slow probes, with
    /// probes in flight: after every step no routing task waits on a replica that has left, no task
    /// waits longer than a probe deadline or a backoff wait, and when every routable replica has room
    /// a pending request is assigned within one probe deadline plus the backoff.
    @Test func churnWithProbesInFlightNeverStrandsARequest() async {
        await propertyCheck(
            count: 30,
            input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...6), Gen.int(in: 4...16), Gen.int(in: 20...600)
        ) { seed, replicaCount, faultCount, rate in
            let scenario = Self.randomScenario(
                seed: UInt64(seed), replicas: replicaCount, faults: faultCount, rate: Double(rate), churn: true
            )
            var strandedWaits = 0
            var overlongWaits = 0
            var lateAssignments = 0
            var roomSince: EngineTime?
            var lastRouted = 0
            let report = ScenarioRunner.run(scenario, settings: .defaults, observe: { router in
                let now = router.now
                let settings = router.settings
                for task in router.taskPool.oldestFirst {
                    switch task.machine.state {
                    case .probing(_, let awaiting, let since):
                        if awaiting.contains(where: { router.replicaSet[$0]?.isRoutable != true }) { strandedWaits += 1 }
                        if now - since > .clampedSeconds(settings.maxProbeDeadline) { overlongWaits += 1 }
                    case .sleeping(let sleep):
                        if sleep.wakeAt - now > .clampedSeconds(max(settings.maxBackoff, BackoffPolicy.spinFloorSeconds)) {
                            overlongWaits += 1
                        }
                    case .ready, .ended:
                        break
                    }
                }
                let routed = router.replicaSet.records.reduce(0) { $0 + $1.routed }
                let routable = router.replicaSet.records.filter(\.isRoutable)
                let allHaveRoom = !routable.isEmpty && routable.allSatisfy { replica in
                    replica.state == .healthy && replica.fault == nil && replica.inFlight < replica.info.maxOngoingRequests
                }
                if routed != lastRouted || router.totals.pending == 0 || !allHaveRoom {
                    roomSince = allHaveRoom && router.totals.pending > 0 ? now : nil
                } else if roomSince == nil {
                    roomSince = now
                }
                lastRouted = routed
                let bound = Duration.clampedSeconds(settings.maxProbeDeadline + settings.maxBackoff) + .milliseconds(20)
                if let since = roomSince, now - since > bound { lateAssignments += 1 }
            }, maxSteps: 2_000_000)
            #expect(strandedWaits == 0)
            #expect(overlongWaits == 0)
            #expect(lateAssignments == 0)
            #expect(report.conserved && report.pending == 0 && report.running == 0)
        }
    }

    /// Inputs the property tests once found: a replica that counts locally, made unavailable, had
    /// each request sent back to it in zero time, so virtual time stopped with two requests running.
    @Test(arguments: [(UInt64(64863), 6, 6, false), (UInt64(924079), 1, 6, true)])
    func anUnavailableReplicaThatCountsLocallyIsHeldOffNotSpunOn(seed: UInt64, replicas: Int, faults: Int, churn: Bool) {
        let scenario = Self.randomScenario(seed: seed, replicas: replicas, faults: faults, rate: 20, churn: churn)
        var steps = 0
        let report = ScenarioRunner.run(scenario, settings: .defaults, observe: { _ in steps += 1 }, maxSteps: 2_000_000)
        #expect(steps < 2_000_000, "virtual time kept moving")
        #expect(report.conserved && report.pending == 0 && report.running == 0)
        #expect(report.admitted == report.completed + report.failed.values.reduce(0, +))
    }

    static func randomScenario(seed: UInt64, replicas: Int, faults: Int, rate: Double, churn: Bool = false) -> Scenario {
        var random = SeededRandom(seed: seed)
        let specs = (0..<replicas).map { index in
            SimulatedReplicaSpec(
                info: ReplicaInfo(
                    id: ReplicaID("r\(index)"), node: "node-\(random.below(3))", zone: "zone-\(random.below(2))",
                    maxOngoingRequests: 1 + random.below(8), answersProbes: random.below(5) != 0
                ),
                serviceTime: [
                    ServiceTimeDistribution.constant(milliseconds: 5 + Double(random.below(60))),
                    .exponential(meanMilliseconds: 5 + Double(random.below(80))),
                    .logNormal(meanMilliseconds: 5 + Double(random.below(80)), sigma: 0.8),
                ][random.below(3)],
                probeRTT: .milliseconds(random.below(20))
            )
        }
        let actions: [(ReplicaID) -> ScenarioEvent.Action] = [
            { .fault($0, .unavailable, duration: .seconds(1 + random.below(4))) },
            { .fault($0, .kill, duration: nil) },
            { .fault($0, .slowProbe(delay: .milliseconds(50 + random.below(500))), duration: .seconds(2)) },
            { .fault($0, .saturate, duration: .seconds(1 + random.below(3))) },
            { .removeReplica($0) },
            { .recover($0) },
            { _ in .setBackoff([.initialBackoff: Double(random.below(50)) / 1000, .maxBackoff: 0.5]) },
        ] + (churn ? [
            { _ in
                .addReplica(SimulatedReplicaSpec(
                    info: ReplicaInfo(
                        id: ReplicaID("added-\(random.below(1_000_000))"), node: "node-\(random.below(3))",
                        zone: "zone-\(random.below(2))", maxOngoingRequests: 1 + random.below(8)
                    ),
                    serviceTime: .exponential(meanMilliseconds: 5 + Double(random.below(80))),
                    probeRTT: .milliseconds(random.below(20))
                ))
            },
            { .fault($0, .slowProbe(delay: .milliseconds(200 + random.below(2000))), duration: .seconds(1 + random.below(3))) },
            { .fault($0, .saturate, duration: .seconds(1 + random.below(3))) },
        ] : [])
        let events = (0..<faults).map { _ in
            let target = ReplicaID("r\(random.below(replicas))")
            return ScenarioEvent(at: .milliseconds(random.below(10_000)), action: actions[random.below(actions.count)](target))
        }.sorted { $0.at < $1.at }
        return Scenario(
            seed: seed,
            duration: .seconds(10),
            options: Router.Options(
                locality: Locality(node: "node-0", zone: "zone-0", preferLocal: random.below(2) == 0),
                maxPendingRequests: 200 + random.below(2000),
                routingTimeout: .seconds(2 + random.below(10)),
                maxReroutes: random.below(4)
            ),
            fleet: FleetSpec(replicas: specs, load: SimulationStatus(requestsPerSecond: rate, arrival: .poisson)),
            events: events
        )
    }
}
