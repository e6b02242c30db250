import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("multiplexed models through the built binary", .serialized)
struct MultiplexedReplicaTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test("requests with serve_multiplexed_model_id land on the replica holding the model")
    func requestsLandOnTheHolder() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        var replicas: [RoutertopProcess] = []
        var replicaPorts: [Int] = []
        for index in 0..<2 {
            let replica = try RoutertopProcess(
                ["replica", "--listen", "127.0.0.1:0", "--service-ms", "2", "--max-models", "2", "--model-load-ms", "30"],
                directory: directory, name: "model-replica\(index)")
            started.append(replica)
            replicas.append(replica)
            replicaPorts.append(try #require(waitFor { listeningPort(in: replica.standardError) }))
        }
        let logFile = directory.appendingPathComponent("model-proxy.log")
        // Two replicas: every attempt's pair is both; a zero cache TTL probes both at each attempt,
        // so the router always has both replicas' latest model reports.
        let proxy = try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--headless", "--log-file", logFile.path, "--cache-timeout-s", "0"]
                + replicaPorts.flatMap { ["--replica", "http://127.0.0.1:\($0)"] },
            directory: directory, name: "model-proxy")
        started.append(proxy)
        let log = { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
        let port = try #require(waitFor { listeningPort(in: log()) })

        let model = ["serve_multiplexed_model_id": "adapter-7"]
        #expect(httpGet(port: port, path: "/first", headers: model)?.status == 200)
        // A request without a model probes both replicas: the holder's report reaches the router.
        #expect(httpGet(port: port, path: "/plain")?.status == 200)
        for index in 0..<8 {
            #expect(httpGet(port: port, path: "/model/\(index)", headers: model)?.status == 200)
        }
        proxy.signal(SIGTERM)
        #expect(proxy.waitForExit() == 0)
        var served: [Int] = []
        for replica in replicas {
            replica.signal(SIGTERM)
            #expect(replica.waitForExit() == 0)
            let line = try #require(replica.standardError.split(separator: "\n").last { $0.hasPrefix("routertop replica stopped:") })
            served.append(try #require(ProxyHeadlessTests.count("served", in: line)))
        }
        // The holder served the first request and all eight after it (and perhaps the plain one).
        #expect(served.reduce(0, +) == 10)
        #expect(served.max()! >= 9, "served per replica: \(served)")
    }
}
