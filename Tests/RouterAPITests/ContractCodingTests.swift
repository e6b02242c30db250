import Foundation
import RouterAPI
import Testing

/// The control API's version-1 shapes, as other languages read them.
@Suite struct ContractCodingTests {
    private func object(_ value: some Encodable) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
    }

    private func snapshot(mode: RouterMode = .proxy(listen: "127.0.0.1:8000")) -> RouterSnapshot {
        var snapshot = RouterSnapshot(
            time: .seconds(2.5), mode: mode, settings: .defaults, startupSettings: .defaults, legacyBackoff: false,
            locality: Locality(node: "n", zone: "z"), totals: RequestTotals(), routingTasks: 1, maxRoutingTasks: 4,
            tasksInBackoff: 1, rateIn: 2, rateOut: 1, fulfillment: LatencySummary(count: 1, p99: .milliseconds(7)),
            replicas: [ReplicaSnapshot(id: "127.0.0.1:9001", node: "n", zone: "z", state: .healthy, maxOngoingRequests: 5,
                                       queueLength: 2, queueSource: .probe, cacheAge: .milliseconds(40), inFlight: 1,
                                       routed: 9, completed: 8, rejected: 0, probeTimeouts: 0, retriesAttributed: 0,
                                       probeRTT: .microseconds(1500), rate: 1, rateHistory: [1])],
            backoffTimers: [BackoffTimerSnapshot(taskID: 3, requestID: RequestID(12), failedAttempts: 2,
                                                 wait: .milliseconds(25), inBackoffSince: .seconds(1), wakeAt: .seconds(2.6))],
            attemptsHistogram: [], retries: RetryTotals(), events: []
        )
        snapshot.timeUTC = UTCTime(milliseconds: 1_764_670_443_123)
        snapshot.router = RouterIdentity(name: "edge", pid: 42)
        return snapshot
    }

    @Test func snapshotKeysAreSnakeCaseIdsStringsDurationsCarryTheirUnit() throws {
        let json = try object(snapshot())
        #expect(json["schema_version"] as? Int == ControlContract.schemaVersion)
        #expect(json["time_s"] as? Double == 2.5)
        #expect(json["time_utc"] as? String == "2025-12-02T10:14:03.123Z")
        let router = try #require(json["router"] as? [String: Any])
        #expect(router["kind"] as? String == "proxy" && router["name"] as? String == "edge" && router["pid"] as? Int == 42)
        #expect(router["listen"] as? String == "127.0.0.1:8000")
        let replica = try #require((json["replicas"] as? [[String: Any]])?.first)
        #expect(replica["id"] as? String == "127.0.0.1:9001")
        #expect(replica["cache_age_ms"] as? Double == 40)
        #expect(replica["probe_rtt_ms"] as? Double == 1.5)
        let timer = try #require((json["backoff_timers"] as? [[String: Any]])?.first)
        #expect(timer["task_id"] as? String == "task-3")
        #expect(timer["request_id"] as? String == "req-12")
        #expect(timer["wait_ms"] as? Double == 25)
        #expect(timer["wake_at_s"] as? Double == 2.6)
        #expect((json["fulfillment"] as? [String: Any])?["p99_ms"] as? Double == 7)
        let keys = try JSONSerialization.data(withJSONObject: json)
        let text = String(decoding: keys, as: UTF8.self)
        #expect(!text.contains("rawValue") && !text.contains("nanoseconds"), "no Swift default encoding leaks: \(text)")
        #expect(text.range(of: "\"[a-z]+[A-Z][A-Za-z]*\":", options: .regularExpression) == nil, "no camelCase key: \(text)")
    }

    @Test func aSnapshotSurvivesTheContract() throws {
        let original = snapshot()
        let back = try JSONDecoder().decode(RouterSnapshot.self, from: JSONEncoder().encode(original))
        #expect(back.router == original.router)
        #expect(back.timeUTC == original.timeUTC)
        #expect(back.replicas == original.replicas)
        #expect(back.backoffTimers == original.backoffTimers)
        #expect(back.fulfillment == original.fulfillment)
    }

    @Test func aRaySnapshotNamesItsDeployment() throws {
        var ray = snapshot(mode: .ray(deployment: "app/echo"))
        ray.router.ray = RayIdentity(application: "app", deployment: "echo", handleSource: "PROXY", nodeID: "n1",
                                     actorID: "a1", rayVersion: "2.60.0")
        ray.observer = ObserverStatus(loopStalled: true, hookErrors: 2, lastHookError: "KeyError")
        let json = try object(ray)
        let router = try #require(json["router"] as? [String: Any])
        #expect(router["kind"] as? String == "ray" && router["handle_source"] as? String == "PROXY")
        #expect(router["listen"] == nil)
        let back = try JSONDecoder().decode(RouterSnapshot.self, from: JSONEncoder().encode(ray))
        #expect(back.mode == .ray(deployment: "app/echo"))
        #expect(back.router.ray == ray.router.ray)
        #expect(back.observer == ray.observer)
    }

    @Test func anotherSchemaVersionIsRefusedByName() throws {
        var json = try object(snapshot())
        json["schema_version"] = 2
        let data = try JSONSerialization.data(withJSONObject: json)
        #expect {
            try JSONDecoder().decode(RouterSnapshot.self, from: data)
        } throws: { error in
            "\(error)".contains("schema_version 2 is not 1")
        }
    }

    @Test func traceIdsAreStrings() throws {
        var trace = RequestTrace(request: 7, admittedMs: 1.5, admittedUTC: UTCTime(milliseconds: 1500))
        var attempt = TraceAttempt(number: 1, tier: .all, startedMs: 2, task: 4, candidates: [])
        attempt.handedTo = 5
        trace.attempts = [attempt]
        var send = TraceSend(replica: "r1", atMs: 3)
        send.foundFor = 6
        trace.sends = [send]
        let json = try object(trace)
        #expect(json["request_id"] as? String == "req-7")
        #expect(json["admitted_utc"] as? String == "1970-01-01T00:00:01.500Z")
        let first = try #require((json["attempts"] as? [[String: Any]])?.first)
        #expect(first["task_id"] as? String == "task-4" && first["handed_to"] as? String == "req-5")
        #expect((json["sends"] as? [[String: Any]])?.first?["found_for"] as? String == "req-6")
        #expect(try JSONDecoder().decode(RequestTrace.self, from: JSONEncoder().encode(trace)) == trace)
    }

    @Test func aJournalWrittenBeforeTheContractStillReads() throws {
        let line = #"{"seq":2,"time":"2026-12-01T10:14:03.123Z","who":{"login":"a","via":"api"},"what":"settings","verb":"set","old":1,"new":2,"result":"applied"}"#
        let entry = try JSONDecoder().decode(JournalEntry.self, from: Data(line.utf8))
        #expect(entry.sequence == 2 && entry.time == "2026-12-01T10:14:03.123Z")
        let written = try object(entry)
        #expect(written["sequence"] as? Int == 2 && written["time_utc"] as? String == entry.time)
        #expect(written["seq"] == nil && written["time"] == nil)
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00.000Z", Int64(0)),
        ("2024-02-29T23:59:59.999Z", Int64(1_709_251_199_999)),
        ("1969-12-31T23:59:59.999Z", Int64(-1)),
        ("2000-03-01T00:00:00.000Z", Int64(951_868_800_000)),
    ])
    func utcTimesAreRFC3339WithMilliseconds(text: String, milliseconds: Int64) {
        #expect(UTCTime(milliseconds: milliseconds).description == text)
        #expect(UTCTime(rfc3339: text) == UTCTime(milliseconds: milliseconds))
    }

    @Test func rfc3339OffsetsAndFractionsRead() {
        #expect(UTCTime(rfc3339: "2026-12-01T12:14:03.1234567+02:00") == UTCTime(rfc3339: "2026-12-01T10:14:03.123Z"))
        #expect(UTCTime(rfc3339: "2026-12-01T10:14:03Z")?.milliseconds == UTCTime(rfc3339: "2026-12-01T10:14:03.000Z")?.milliseconds)
        for bad in ["", "2026-12-01", "2026-13-01T00:00:00Z", "2026-12-01T10:14:03.Z", "2026-12-01T10:14:03.123", "x026-12-01T10:14:03Z"] {
            #expect(UTCTime(rfc3339: bad) == nil, "\(bad) is refused")
        }
    }
}
