import RouterAPI
import Testing

/// A delta stream (`view=delta`): the whole snapshot first, then only the replica rows and events
/// that changed, which a client applies to the table it keeps.
@Suite struct DeltaStreamTests {
    @Test func theFirstLineIsWholeAndLaterOnesCarryOnlyChangedRowsGoneReplicasAndNewEvents() {
        var snapshot = FleetFixtures.snapshot(name: "a", replicas: [
            FleetFixtures.replica("r1", queue: 1), FleetFixtures.replica("r2", queue: 2),
        ], events: [FleetFixtures.event("e1", utc: 1, sequence: 1)])
        let (first, mark) = snapshot.delta()
        #expect(first.view == .full && first.replicas.count == 2 && first.replicasGone == nil)
        #expect(first.events.map(\.sequence) == [1])

        let (quiet, quietMark) = snapshot.delta(after: mark)
        #expect(quiet.view == .delta && quiet.replicas.isEmpty && quiet.replicasGone == [] && quiet.replicaCount == 2)
        #expect(quiet.events.isEmpty, "an event is sent once")

        snapshot.replicas[1].queueLength = 5
        snapshot.replicas.removeFirst()
        snapshot.replicas.append(FleetFixtures.replica("r3", queue: 0))
        snapshot.events.append(FleetFixtures.event("e2", utc: 2, sequence: 2))
        snapshot.rateIn = 42
        let (second, _) = snapshot.delta(after: quietMark)
        #expect(second.replicas == snapshot.replicas, "r2 changed and r3 is new: both whole")
        #expect(second.replicasGone == ["r1"])
        #expect(second.events.map(\.sequence) == [2])
        #expect(second.rateIn == 42, "router-level figures are whole")

        var table = ReplicaTable(first.replicas)
        table.apply(delta: quiet, after: first.time)
        table.apply(delta: second, after: quiet.time)
        #expect(table.rows == snapshot.replicas)
    }

    @Test func aRowWhoseCacheEntryOnlyAgedIsNotSentAndTheClientAgesIt() {
        var replica = FleetFixtures.replica("r1", queue: 1)
        replica.cacheAge = .milliseconds(100)
        var snapshot = FleetFixtures.snapshot(name: "a", replicas: [replica])
        let (first, mark) = snapshot.delta()
        snapshot.time = snapshot.time + .milliseconds(500)
        // The router reads its clock again for each cache age: a few microseconds later than the time.
        snapshot.replicas[0].cacheAge = .milliseconds(600) + .microseconds(30)
        let (aged, agedMark) = snapshot.delta(after: mark)
        #expect(aged.replicas.isEmpty)
        var table = ReplicaTable(first.replicas)
        table.apply(delta: aged, after: first.time)
        #expect(table.rows.first?.cacheAge == .milliseconds(600))

        snapshot.time = snapshot.time + .milliseconds(500)
        snapshot.replicas[0].cacheAge = .milliseconds(3)
        let (learned, _) = snapshot.delta(after: agedMark)
        #expect(learned.replicas.map(\.cacheAge) == [.milliseconds(3)], "a new cache entry is sent")
    }

    @Test func aSummaryChangesOnlyTheRowsItNamesAndCountsTheChange() {
        var snapshot = FleetFixtures.snapshot(name: "a", replicas: [
            FleetFixtures.replica("r1", queue: 1), FleetFixtures.replica("r2", queue: 2),
        ])
        let (first, mark) = snapshot.summary()
        var table = ReplicaTable()
        table.apply(summary: first)
        let version = table.version
        let (quiet, quietMark) = snapshot.summary(after: mark)
        table.apply(summary: quiet)
        #expect(table.version == version, "nothing changed: the version stays")
        snapshot.replicas[0].inFlight = 4
        table.apply(summary: snapshot.summary(after: quietMark).summary)
        #expect(table.version > version)
        #expect(table.rows.map(\.inFlight) == [4, 1])
    }

    @Test(arguments: [
        ("/v1/snapshots?interval_ms=500&view=delta", ControlEndpoint.deltas(intervalMilliseconds: 500)),
        ("/v1/snapshots?view=delta", ControlEndpoint.deltas(intervalMilliseconds: 500)),
    ])
    func deltaStreamsParseAndRoundTrip(target: String, endpoint: ControlEndpoint) {
        #expect(ControlEndpoint.parse(method: "GET", target: target) == .success(endpoint))
        #expect(ControlEndpoint.parse(method: "GET", target: endpoint.request.target) == .success(endpoint))
    }

    @Test func aSingleDeltaIsRefused() {
        guard case .failure(let problem) = ControlEndpoint.parse(method: "GET", target: "/v1/snapshot?view=delta") else {
            Issue.record("view=delta was accepted on a single snapshot")
            return
        }
        #expect(problem.status == 400)
        #expect(problem.message == "view=delta is for the stream (GET /v1/snapshots): a single snapshot is whole")
    }
}
