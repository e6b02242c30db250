import RouterAPI
import Testing

@Suite struct SummaryDeltaTests {
    @Test func aSummaryCarriesOnlyTheReplicasAndEventsThatChangedAndRebuildsTheTable() {
        var snapshot = FleetFixtures.snapshot(name: "a", replicas: [
            FleetFixtures.replica("r1", queue: 1), FleetFixtures.replica("r2", queue: 2),
        ], events: [FleetFixtures.event("e1", utc: 1, sequence: 1)])
        let (first, mark) = snapshot.summary()
        #expect(first.view == .summary && first.replicas.isEmpty && first.replicaCount == 2)
        #expect(first.replicaChanges?.map(\.id.rawValue) == ["r1", "r2"])
        #expect(first.events.map(\.sequence) == [1])

        snapshot.replicas[1].queueLength = 5
        snapshot.replicas.removeFirst()
        snapshot.replicas.append(FleetFixtures.replica("r3", queue: 0))
        snapshot.events.append(FleetFixtures.event("e2", utc: 2, sequence: 2))
        let (second, _) = snapshot.summary(after: mark)
        #expect(second.replicaChanges?.map(\.id.rawValue) == ["r2", "r3"], "r2 changed, r3 is new")
        #expect(second.replicasGone == ["r1"])
        #expect(second.events.map(\.sequence) == [2], "an event is sent once")

        var table = ReplicaTable()
        table.apply(summary: first)
        table.apply(summary: second)
        #expect(table.rows.map(\.id.rawValue) == ["r2", "r3"])
        #expect(table.rows.map(\.queueLength) == [5, 0])
    }

    @Test(arguments: [
        ("/v1/snapshot?view=summary", ControlEndpoint.summary),
        ("/v1/snapshots?interval_ms=500&view=summary", ControlEndpoint.summaries(intervalMilliseconds: 500)),
        ("/v1/snapshot?view=full", ControlEndpoint.snapshot),
    ])
    func summaryEndpointsParseAndRoundTrip(target: String, endpoint: ControlEndpoint) {
        #expect(ControlEndpoint.parse(method: "GET", target: target) == .success(endpoint))
        #expect(ControlEndpoint.parse(method: "GET", target: endpoint.request.target) == .success(endpoint))
    }

    @Test func anUnknownViewIsRefused() {
        guard case .failure(let problem) = ControlEndpoint.parse(method: "GET", target: "/v1/snapshot?view=tiny") else {
            Issue.record("view=tiny was accepted")
            return
        }
        #expect(problem.status == 400)
        #expect(problem.message == "view=tiny is not a snapshot view; it must be full, summary or delta")
    }
}
