import Foundation
import TestSupport
import Testing

/// `routertop simulate` and start-up validation, driven through the built binary.
struct SimulateCommandTests {

    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: PackagePaths.routertop) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "build routertop first (swift build): \(PackagePaths.routertop) is missing"])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PackagePaths.routertop)
        process.arguments = arguments
        process.currentDirectoryURL = PackagePaths.root
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RAY_SERVE_") && !$0.key.hasPrefix("ROUTERTOP_") }
        merged.merge(environment) { $1 }
        process.environment = merged
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            output: String(decoding: outData, as: UTF8.self),
            errors: String(decoding: errData, as: UTF8.self)
        )
    }

    @Test func theSameScenarioGivesByteIdenticalJSON() throws {
        let first = try Self.run(["simulate", "--scenario", "Scenarios/faults.toml", "--json"])
        let second = try Self.run(["simulate", "--scenario", "Scenarios/faults.toml", "--json"])
        #expect(first.status == 0)
        #expect(first.output == second.output)
        let object = try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any]
        for key in ["admitted", "completed", "failed", "pending", "running", "fulfillment_ms", "attempts_histogram",
                    "backoff_waits_ms", "replicas", "params"] {
            #expect(object?[key] != nil, "missing \(key)")
        }
        // Identical output means something only if the output follows the input: another seed and
        // another scenario must each give another result.
        let otherSeed = try Self.run(["simulate", "--scenario", "Scenarios/faults.toml", "--json", "--seed", "99"])
        #expect(otherSeed.status == 0)
        #expect(otherSeed.output != first.output)
        let seeded = try JSONSerialization.jsonObject(with: Data(otherSeed.output.utf8)) as? [String: Any]
        #expect(seeded?["seed"] as? Int == 99)
        #expect(seeded?["admitted"] as? Int != object?["admitted"] as? Int, "a Poisson load with another seed admits another count")
        let otherScenario = try Self.run(["simulate", "--scenario", "Scenarios/burst.toml", "--json"])
        #expect(otherScenario.status == 0)
        let burst = try JSONSerialization.jsonObject(with: Data(otherScenario.output.utf8)) as? [String: Any]
        let replicaIDs = { (report: [String: Any]?) in ((report?["replicas"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } }
        #expect(replicaIDs(object) == ["r1", "r2", "r3", "r4", "r5", "r6"])
        #expect(replicaIDs(burst) != replicaIDs(object))
        #expect(burst?["admitted"] as? Int != object?["admitted"] as? Int)
    }

    @Test func theTraceFileFollowsEveryRequestAndIsDeterministic() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("first.jsonl").path
        let second = directory.appendingPathComponent("second.jsonl").path
        let run = try Self.run(["simulate", "--scenario", "Scenarios/faults.toml", "--json", "--trace", first])
        #expect(run.status == 0)
        #expect(try Self.run(["simulate", "--scenario", "Scenarios/faults.toml", "--trace", second]).status == 0)
        let text = try String(contentsOfFile: first, encoding: .utf8)
        #expect(text == (try String(contentsOfFile: second, encoding: .utf8)))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let lines = text.split(separator: "\n")
        #expect(lines.count == report["admitted"] as? Int)
        var requeued = 0
        for line in lines {
            let trace = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect((trace["request_id"] as? String)?.hasPrefix("req-") == true && trace["admitted_ms"] is Double && trace["outcome"] is String)
            let sends = trace["sends"] as? [[String: Any]] ?? []
            requeued += sends.filter { $0["requeue"] != nil }.count
        }
        // r4 dies with requests on it: their traces show the re-route.
        #expect(requeued > 0)
    }

    @Test func anUnwritableTraceFileStopsWithStatus2() throws {
        let result = try Self.run(["simulate", "--scenario", "Scenarios/faults.toml", "--trace", "/nonexistent/dir/t.jsonl"])
        #expect(result.status == 2)
        #expect(result.errors == "routertop: --trace /nonexistent/dir/t.jsonl: cannot create the file\n")
    }

    @Test func theReadableTableNamesEveryReplica() throws {
        let result = try Self.run(["simulate", "--scenario", "Scenarios/faults.toml"])
        #expect(result.status == 0)
        for id in ["r1", "r2", "r3", "r4", "r5", "r6"] { #expect(result.output.contains("\n\(id) ")) }
        #expect(result.output.contains("conserved yes"))
    }

    @Test(arguments: [
        ("RAY_SERVE_ROUTER_RETRY_BACKOFF_MULTIPLIER", "0.5"),
        ("RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S", "nan"),
        ("RAY_SERVE_QUEUE_LENGTH_CACHE_TIMEOUT_S", "10s"),
        ("RAY_SERVE_MULTIPLEXED_MODEL_ID_MATCHING_TIMEOUT_S", "-1"),
        ("ROUTERTOP_REFRESH_MS", "5"),
    ])
    func aBadVariableStopsWithStatus2AndOneLineNamingIt(variable: String, value: String) throws {
        let result = try Self.run(["simulate", "--scenario", "Scenarios/faults.toml"], environment: [variable: value])
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        let lines = result.errors.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("routertop: \(variable)=\(value) ") == true)
    }

    @Test func theMultiplexScenarioReportsHitRateWithAndWithoutMultiplexAwareRouting() throws {
        let aware = try Self.run(["simulate", "--scenario", "Scenarios/multiplex.toml"])
        let plain = try Self.run(["simulate", "--scenario", "Scenarios/multiplex.toml", "--no-multiplex"])
        #expect(aware.status == 0 && plain.status == 0)
        #expect(aware.output.contains("models     routing multiplex-aware  hit rate "))
        #expect(plain.output.contains("models     routing plain power of two choices  hit rate "))
        #expect(aware.output.contains("model e2e  p50 "))
    }

    @Test func aBadFlagIsNamedAsTheFlag() throws {
        let result = try Self.run(["simulate", "--scenario", "Scenarios/faults.toml", "--max-backoff-s", "-1"])
        #expect(result.status == 2)
        #expect(result.errors == "routertop: --max-backoff-s=-1 is negative; it must be a finite number ≥ the initial backoff\n")
    }

    /// `[é]` made the TOML library's parser abort the process (SIGABRT) in all three readers.
    @Test(arguments: ["scenario", "replicas", "theme"])
    func aTableNameTheTOMLParserAbortedOnIsRefusedWithFileAndLine(kind: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-abort-\(UUID().uuidString).toml")
        try Data([0x5B, 0xC3, 0xA9, 0x5D, 0x0A]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let arguments = switch kind {
        case "scenario": ["simulate", "--scenario", file.path]
        case "replicas": ["--listen", "127.0.0.1:0", "--replicas", file.path, "--headless"]
        default: ["--theme", file.path]
        }
        let result = try Self.run(arguments)
        #expect(result.status == 2)
        let place = kind == "theme" ? "theme \(file.path), line 1" : "\(file.path):1"
        #expect(result.errors.hasPrefix("routertop: \(place): "), "\(result.errors)")
        #expect(result.errors.contains("a table name must start with a letter, a digit, - or _, or be quoted; found 'é'"))
        #expect(result.errors.split(separator: "\n").count == 1)
    }

    @Test func controlCharactersFromTheFileAreEscapedInTheOneLineError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-esc-\(UUID().uuidString).toml")
        // A quoted key holding an escape sequence that would clear the screen, and a form feed.
        try "duration_s = 5\n\"a\\u001b[2J\\fb\" = 1\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Self.run(["simulate", "--scenario", file.path])
        #expect(result.status == 2)
        #expect(!result.errors.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(result.errors.split(separator: "\n").count == 1)
        #expect(result.errors.hasPrefix("routertop: \(file.path):"))
        #expect(result.errors.hasSuffix(": unknown key \"a\\e[2J\\u{C}b\" in the top level; "
            + "known keys: duration_s, events, load, replicas, router, seed\n"))
    }

    @Test func aMalformedScenarioNamesTheFileAndLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-bad-\(UUID().uuidString).toml")
        try "seed = 1\nduration_s = 5\n\n[[events]]\nat_s = 1\naction = \"explode\"\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Self.run(["simulate", "--scenario", file.path])
        #expect(result.status == 2)
        #expect(result.errors.hasPrefix("routertop: \(file.path):6: action 'explode' is unknown"))
    }
}
