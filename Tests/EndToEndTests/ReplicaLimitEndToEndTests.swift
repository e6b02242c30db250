import Foundation
import RouterAPI
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A replica file beyond the router's replica limit (10,000) is bad input: refused at start, and
/// refused at SIGHUP with the old set kept (issue 20, item 9).
@Suite("the replica limit (built binary)", .serialized)
struct ReplicaLimitEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    /// A replica file of `count` replicas on 127.0.0.1 (ports from 20000 up, nothing needs to listen).
    private func replicaFile(_ name: String, count: Int) throws -> URL {
        let file = directory.appendingPathComponent(name)
        let text = (0..<count).map { "[[replica]]\nurl = \"http://127.0.0.1:\(20_000 + $0)\"\n" }.joined()
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func aReplicaFileOverTheLimitStopsStartUpWithOneLine() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let file = try replicaFile("too-many.toml", count: 10_001)
        let router = try RoutertopProcess(["--listen", "127.0.0.1:0", "--headless", "--replicas", file.path],
                                          directory: directory, name: "too-many")
        defer { router.stop() }
        #expect(router.waitForExit(timeout: .seconds(60)) == 2)
        let lines = router.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(lines)")
        #expect(router.standardError.contains("\(file.path): 10001 replicas; a router holds at most 10000"),
                "\(router.standardError)")
    }

    @Test func aReloadOverTheLimitIsRefusedAndTheOldSetKept() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let file = try replicaFile("replicas.toml", count: 2)
        let socket = directory.appendingPathComponent("limit.sock").path
        let log = directory.appendingPathComponent("limit.log")
        let router = try RoutertopProcess(["--listen", "127.0.0.1:0", "--headless", "--replicas", file.path,
                                           "--control", socket, "--log-file", log.path],
                                          directory: directory, name: "router")
        defer { router.stop() }
        let api = ControlAPI(socket: socket)
        let ids = { api.snapshot().map { $0.replicas.map(\.id.rawValue) } }
        let before = try #require(await eventually { ids().flatMap { $0.count == 2 ? $0 : nil } })

        _ = try replicaFile("replicas.toml", count: 10_001)
        router.signal(SIGHUP)
        let refusal = "SIGHUP: reload refused: \(file.path): 10001 replicas; a router holds at most 10000; the replicas stay as they are"
        let shown = await eventually(.seconds(60)) { api.snapshot()?.events.contains { $0.message == refusal } == true ? true : nil }
        #expect(shown == true, "the refusal is in the event log the API serves")
        let readLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        #expect(readLog().contains(refusal))
        #expect(ids() == before)

        router.signal(SIGTERM)
        #expect(await router.exit(within: .seconds(20)) == 0)
    }
}
