import PropertyBased
import Testing
@testable import RouterEngine

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

    static func randomScenario(seed: UInt64, replicas: Int, faults: Int, rate: Double) -> Scenario {
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
        ]
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
