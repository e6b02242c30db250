import Foundation
import RouterAPI
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("replicas tell their models with every answer, through the built binaries", .serialized)
struct ModelReportEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Replicas (`--max-models 2 --model-load-ms 100`) behind a headless router with default
    /// settings (10 s cache TTL); returns the router's front door port, its control API, and the
    /// replicas' ports. Every process started goes into `started`.
    private func fleet(_ count: Int, name: String, extra: [String] = [], started: inout [RoutertopProcess])
        throws -> (port: Int, control: ControlAPI, replicas: [Int]) {
        var ports: [Int] = []
        for index in 0..<count {
            let replica = try RoutertopProcess(
                ["replica", "--listen", "127.0.0.1:0", "--max-models", "2", "--model-load-ms", "100"] + extra,
                directory: directory, name: "\(name)-replica\(index)")
            started.append(replica)
            ports.append(try #require(waitFor { listeningPort(in: replica.standardError) }))
        }
        let logFile = directory.appendingPathComponent("\(name).log")
        let socket = directory.appendingPathComponent("run/\(name).sock").path
        let proxy = try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--headless", "--log-file", logFile.path, "--control", socket]
                + ports.flatMap { ["--replica", "http://127.0.0.1:\($0)"] },
            directory: directory, name: name)
        started.append(proxy)
        let port = try #require(waitFor { listeningPort(in: (try? String(contentsOf: logFile, encoding: .utf8)) ?? "") })
        return (port, ControlAPI(socket: socket), ports)
    }

    /// The models a replica's own probe endpoint says it holds.
    private func heldModels(port: Int) throws -> [String] {
        let answer = try #require(httpGet(port: port, path: "/-/queue-length"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
        return try #require(object["multiplexed_model_ids"] as? [String])
    }

    @Test("eight sequential requests for each of three models leave each model on exactly one replica", arguments: 0..<3)
    func sequentialRequestsKeepEachModelOnOneReplica(run: Int) throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        let (port, _, replicas) = try fleet(4, name: "sequential\(run)", started: &started)
        for model in ["m1", "m2", "m3"] {
            for index in 0..<8 {
                let answer = httpGet(port: port, path: "/\(model)/\(index)", headers: ["serve_multiplexed_model_id": model])
                #expect(answer?.status == 200)
            }
        }
        let held = try replicas.map(heldModels(port:))
        for model in ["m1", "m2", "m3"] {
            #expect(held.filter { $0.contains(model) }.count == 1, "\(model) held by: \(held)")
        }
    }

    @Test("four clients over three models: over 90 % hits within 5 s, each model's p99 under two loads")
    func fourClientsHitWithinFiveSeconds() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        let (port, control, _) = try fleet(2, name: "four", started: &started)
        let latencies = LatencyLog()
        let stop = StopFlag()
        let clients = DispatchGroup()
        for client in 0..<4 {
            clients.enter()
            Thread {
                var index = client
                while !stop.isSet {
                    let model = "m\(index % 3 + 1)"
                    let start = ContinuousClock.now
                    let answer = httpGet(port: port, path: "/\(model)", headers: ["serve_multiplexed_model_id": model])
                    latencies.add(model, ContinuousClock.now - start, ok: answer?.status == 200)
                    index += 1
                }
                clients.leave()
            }.start()
        }
        let startedAt = ContinuousClock.now
        while ContinuousClock.now - startedAt < .seconds(5) { usleep(50_000) }
        let atFive = control.snapshot()?.models
        while ContinuousClock.now - startedAt < .seconds(8) { usleep(50_000) }
        stop.set()
        #expect(clients.wait(timeout: .now() + 10) == .success)
        let figures = try #require(atFive)
        let rate = try #require(figures.recentHitRate)
        #expect(rate > 0.9, "hit rate over the last \(figures.recentSeconds) s at 5 s: \(rate) (\(figures.recentHits) hits, \(figures.recentMisses) misses)")
        #expect(latencies.failures == 0)
        for model in ["m1", "m2", "m3"] {
            let p99 = try #require(latencies.p99(model))
            #expect(p99 < .milliseconds(200), "\(model) p99 \(p99) over \(latencies.count(model)) requests")
        }
    }

    @Test("a replica whose answers carry no header is learnt from its 2xx answers and corrected by its next probe")
    func aReplicaWithoutTheHeaderIsInferredThenCorrected() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        let (port, control, replicas) = try fleet(1, name: "quiet", extra: ["--no-model-header"], started: &started)
        let replica = try #require(replicas.first)
        let models = { control.snapshot()?.replicas.first?.models }
        let first = try #require(httpGet(port: port, path: "/a", headers: ["serve_multiplexed_model_id": "a"]))
        #expect(first.status == 200)
        // The control API publishes snapshots a little behind the router: wait for what it learnt.
        let afterFirst = waitFor { models().flatMap { $0.models == ["a"] ? $0 : nil } }
        #expect(afterFirst?.inferred == ["a"])
        // The replica holds two; a third evicts "a", which the router inferred and still believes
        // until the replica's next probe (within a second of the inference) lists what it holds.
        #expect(httpGet(port: port, path: "/b", headers: ["serve_multiplexed_model_id": "b"])?.status == 200)
        #expect(httpGet(port: port, path: "/c", headers: ["serve_multiplexed_model_id": "c"])?.status == 200)
        #expect(try heldModels(port: replica) == ["b", "c"])
        let corrected = waitFor(.seconds(3)) { models().flatMap { $0.inferred.isEmpty && $0.models == ["b", "c"] ? $0 : nil } }
        #expect(corrected != nil, "the probe corrects the inference: \(String(describing: models()))")
        #expect(try #require(control.snapshot()?.models).models.first { $0.name == "a" }?.holders == [])
    }

    @Test("the header reaches the router and never the client")
    func theHeaderIsStrippedBeforeTheClient() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        let (port, control, replicas) = try fleet(1, name: "strip", started: &started)
        let replica = try #require(replicas.first)
        let direct = try #require(rawHTTPRequest(port: replica, path: "/raw", headers: ["serve_multiplexed_model_id": "x"]))
        #expect(direct.lowercased().contains("serve-multiplexed-model-ids: 2;x"))
        let proxied = try #require(rawHTTPRequest(port: port, path: "/raw", headers: ["serve_multiplexed_model_id": "y"]))
        #expect(proxied.hasPrefix("HTTP/1.1 200"))
        #expect(!proxied.lowercased().contains("serve-multiplexed-model-ids"))
        let told = waitFor { control.snapshot()?.replicas.first?.models.flatMap { $0.models == ["x", "y"] ? $0 : nil } }
        #expect(told?.inferred == [])
    }
}

private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    func set() { lock.withLock { stopped = true } }
    var isSet: Bool { lock.withLock { stopped } }
}

/// Each model's request latencies, as the clients saw them.
private final class LatencyLog: @unchecked Sendable {
    private let lock = NSLock()
    private var byModel: [String: [Duration]] = [:]
    private var failed = 0
    func add(_ model: String, _ latency: Duration, ok: Bool) {
        lock.withLock {
            byModel[model, default: []].append(latency)
            if !ok { failed += 1 }
        }
    }
    var failures: Int { lock.withLock { failed } }
    func count(_ model: String) -> Int { lock.withLock { byModel[model]?.count ?? 0 } }
    func p99(_ model: String) -> Duration? {
        lock.withLock {
            guard let all = byModel[model]?.sorted(), !all.isEmpty else { return nil }
            return all[min(all.count - 1, Int((Double(all.count) * 0.99).rounded(.up)) - 1)]
        }
    }
}
