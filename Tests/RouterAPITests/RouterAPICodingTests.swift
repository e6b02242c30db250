import Foundation
import RouterAPI
import Testing

@Suite struct RouterAPICodingTests {
    @Test func settingsUseTheScenarioFileKeys() throws {
        let json = try JSONEncoder().encode(RouterSettings(backoffMultiplier: 3))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Double])
        #expect(Set(object.keys) == Set(RouterSettingKey.allCases.map(\.fileKey)))
        #expect(object["backoff_multiplier"] == 3)
    }

    @Test func aSnapshotSurvivesJSON() throws {
        var totals = RequestTotals()
        totals.admitted = 7
        totals.completed = 5
        totals.failed = [.shed: 2]
        let snapshot = RouterSnapshot(
            time: .seconds(1.5), mode: .proxy(listen: "127.0.0.1:8000"), settings: .defaults,
            startupSettings: .defaults, legacyBackoff: false, locality: Locality(node: "n", zone: "z"),
            totals: totals, routingTasks: 1, maxRoutingTasks: 4, tasksInBackoff: 1, rateIn: 2, rateOut: 1,
            fulfillment: LatencySummary(count: 3, p50: .milliseconds(2)),
            replicas: [ReplicaSnapshot(id: "r1", node: "n", zone: "z", state: .draining, maxOngoingRequests: 5,
                                       queueLength: 2, queueSource: .cache, inFlight: 1, routed: 9, completed: 8,
                                       rejected: 0, probeTimeouts: 1, retriesAttributed: 0, rate: 1,
                                       rateHistory: [1, 2])],
            backoffTimers: [BackoffTimerSnapshot(taskID: 1, requestID: RequestID(4), failedAttempts: 2,
                                                 wait: .milliseconds(25), inBackoffSince: .seconds(1))],
            attemptsHistogram: [AttemptBucket(attempts: 1, requests: 5)], retries: RetryTotals(),
            events: [RouterEvent(time: .seconds(1), kind: .settings, message: "set", sequence: 3)]
        )
        let data = try JSONEncoder().encode(snapshot)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"shed\":2"), "failure reasons are an object keyed by reason: \(text)")
        let back = try JSONDecoder().decode(RouterSnapshot.self, from: data)
        #expect(back.totals == totals)
        #expect(back.mode == snapshot.mode)
        #expect(back.replicas == snapshot.replicas)
        #expect(back.backoffTimers == snapshot.backoffTimers)
        #expect(back.events == snapshot.events)
        #expect(back.fulfillment == snapshot.fulfillment)
    }

    @Test func connectionStateSaysHowLongTheScreenIsStale() {
        let since = Date(timeIntervalSince1970: 3600 * 12 + 3 * 60 + 4)
        #expect(ConnectionState.inProcess.text(now: since) == "")
        #expect(ConnectionState.connected(address: "a").text(now: since) == "connected")
        let reconnecting = ConnectionState.reconnecting(address: "a", since: since)
        #expect(reconnecting.text(now: since + 5) == "reconnecting since 12:03:04 UTC (5 s)")
        #expect(ConnectionState.stale(address: "a", since: since).text(now: since + 2) == "stale since 12:03:04 UTC (2 s)")
        #expect(reconnecting.isStale && !ConnectionState.connected(address: "a").isStale)
    }
}
