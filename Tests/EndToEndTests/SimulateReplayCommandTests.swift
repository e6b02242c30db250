import Foundation
import Testing

/// `routertop simulate --replay`, driven through the built binary.
struct SimulateReplayCommandTests {
    /// A recording of two requests to one replica of one slot: the second arrives while the first
    /// is served, so it is refused a slot until the first ends.
    static let recording = """
        {"window_s":60,"start_s":0,"end_s":1,"start_utc":"1970-01-01T00:00:00.000Z","end_utc":"1970-01-01T00:00:01.000Z",
         "memory_bound_bytes":0,"limits":{"arrivals":1,"sends":1,"probes":1,"requests":1,"changes":1},
         "dropped":{"arrivals":0,"sends":0,"probes":0,"requests":0,"changes":0},"random_state":["1","2","3","4"],
         "settings":{"initial_backoff_s":0.025,"backoff_multiplier":2,"max_backoff_s":0.5,"probe_deadline_s":0.1,
                     "max_probe_deadline_s":1,"cache_timeout_s":10,"model_matching_timeout_s":1},
         "options":{"routing_timeout_s":30,"max_reroutes":3,"max_pending_requests":100,"max_routing_tasks":50,
                    "legacy_backoff":false,"multiplex_routing":true,"node":"n","zone":"z","prefer_local":true},
         "models":[],"arrivals":{"at_ms":[100,110],"model":[-1,-1]},
         "replicas":[{"id":"r1","node":"n","zone":"z","configured_max":1,"effective_max":1,"answers_probes":true,
                      "sends":{"at_ms":[100.5,300.5],"duration_ms":[200,50],"outcome":["completed","completed"]},
                      "probes":{"at_ms":[0,100],"round_trip_ms":[0.5,0.5],"answer":["queue_length","queue_length"]},
                      "unavailable":[]}],
         "changes":[{"at_s":0,"kind":"replica_added","replica":"r1"}],
         "observed":{"arrivals":2,"fulfilled":2,"failed_attempts":0,"backoff_sleeps":0,"failures":{}}}
        """

    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-replay-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aRecordingReplaysUnderOtherSettingsAndPrintsTheUsualReport() throws {
        let path = try Self.file(Self.recording)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let replayed = try SimulateCommandTests.run(["simulate", "--replay", path, "--json"])
        #expect(replayed.status == 0, "\(replayed.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(replayed.output.utf8)) as? [String: Any])
        #expect(report["admitted"] as? Int == 2)
        #expect(report["completed"] as? Int == 2)
        let slow = try SimulateCommandTests.run(["simulate", "--replay", path, "--initial-backoff-s", "0.3", "--max-backoff-s", "1"])
        #expect(slow.status == 0, "\(slow.errors)")
        #expect(slow.output.hasPrefix("replay \(path): "))
        #expect(slow.output.contains("initial 0.3 s"))
        #expect(slow.output.contains("recorded   fulfilment"))
    }

    @Test func badInputStopsWithOneLineAndExitTwo() throws {
        let broken = try Self.file(Self.recording.replacingOccurrences(of: "\"model\":[-1,-1]", with: "\"model\":[-1]"))
        let notJSON = try Self.file("not a recording")
        defer {
            try? FileManager.default.removeItem(atPath: broken)
            try? FileManager.default.removeItem(atPath: notJSON)
        }
        for (arguments, words) in [
            (["simulate", "--replay", broken], "arrivals.model"),
            (["simulate", "--replay", notJSON], "is not a routertop recording"),
            (["simulate", "--replay", broken, "--scenario", "Scenarios/steady.toml"], "cannot be used together"),
            (["simulate", "--replay", broken, "--seed", "3"], "--seed does not apply"),
            (["simulate"], "give --scenario FILE"),
        ] {
            let outcome = try SimulateCommandTests.run(arguments)
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.errors.hasPrefix("routertop: ") && outcome.errors.contains(words), "\(arguments): \(outcome.errors)")
            #expect(outcome.errors.split(separator: "\n").count == 1)
            #expect(outcome.output.isEmpty)
        }
    }
}
