import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fleet that is mostly dead still serves every request: replicas whose connections are refused
/// are no candidates once known (issue 20, item 11).
@Suite("dead replicas stay out of routing (built binary)", .serialized)
struct DeadReplicasEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test("200 replicas of which 2 answer: every request is served")
    func everyRequestIsServedWhenMostReplicasAreDead() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        var alive: [Int] = []
        for index in 0..<2 {
            let replica = try RoutertopProcess(
                ["replica", "--listen", "127.0.0.1:0", "--max-ongoing", "5", "--service-ms", "2"],
                directory: directory, name: "replica\(index)")
            started.append(replica)
            alive.append(try #require(waitFor { listeningPort(in: replica.standardError) }))
        }
        // The router's own port comes from the same batch as the dead ones: with port 0, the kernel
        // could hand it one just closed for the dead list, and the router became its own replica.
        var unused = try #require(unusedPorts(199))
        let listenPort = unused.removeFirst()
        let dead = unused
        var ports = dead
        ports.insert(alive[0], at: 50)
        ports.insert(alive[1], at: 150)
        let file = directory.appendingPathComponent("replicas.toml")
        try ports.map { "[[replica]]\nurl = \"http://127.0.0.1:\($0)\"\n" }.joined().write(to: file, atomically: true, encoding: .utf8)

        let logFile = directory.appendingPathComponent("router.log")
        let router = try RoutertopProcess(
            ["--listen", "127.0.0.1:\(listenPort)", "--headless", "--log-file", logFile.path, "--replicas", file.path],
            directory: directory, name: "router")
        started.append(router)
        let log = { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
        let port = try #require(waitFor { listeningPort(in: log()) })
        #expect(port == listenPort)
        // Every dead replica is known once its first probe was refused.
        let known = waitFor(.seconds(30)) {
            log().components(separatedBy: "probing → unavailable").count - 1 >= 198 ? true : nil
        }
        #expect(known == true, "\(log().components(separatedBy: "probing → unavailable").count - 1) known; log \(logFile.path)")

        let statuses = ProxyHeadlessTests.StatusList()
        let began = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in 0..<25 {
                statuses.append(httpGet(port: port, path: "/dead/\(worker)/\(index)")?.status ?? 0)
            }
        }
        let took = ContinuousClock.now - began
        #expect(statuses.values.count == 200)
        #expect(statuses.values.allSatisfy { $0 == 200 }, "statuses: \(statuses.values.filter { $0 != 200 })")
        // Served at once, not after routing timeouts: 200 requests of 2 ms on 10 slots.
        #expect(took < .seconds(10))
        router.signal(SIGTERM)
        #expect(router.waitForExit() == 0)
        #expect(log().contains("stopped: admitted=200 completed=200 failed=[] pending=0 running=0 conserved=true"))
    }

    /// `count` distinct loopback ports nothing listens on: each bound at once (so they differ), then
    /// closed.
    private func unusedPorts(_ count: Int) -> [Int]? {
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        var ports: [Int] = []
        for _ in 0..<count {
            guard let (fd, initial) = loopbackSocket(port: 0) else { return nil }
            sockets.append(fd)
            var address = initial
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { return nil }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0 else { return nil }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}
