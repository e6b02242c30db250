import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("routertop as an HTTP router (built binary)", .serialized)
struct ProxyHeadlessTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test("headless: forwards to replicas, logs to a file, stops cleanly on SIGTERM")
    func headlessRoundTrip() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        var replicaPorts: [Int] = []
        for index in 0..<2 {
            let replica = try RoutertopProcess(
                ["replica", "--listen", "127.0.0.1:0", "--max-ongoing", "5", "--service-ms", "5"],
                directory: directory, name: "replica\(index)")
            started.append(replica)
            replicaPorts.append(try #require(waitFor { listeningPort(in: replica.standardError) }))
        }
        let logFile = directory.appendingPathComponent("proxy.log")
        let proxy = try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--headless", "--log-file", logFile.path]
                + replicaPorts.flatMap { ["--replica", "http://127.0.0.1:\($0)"] },
            directory: directory, name: "proxy")
        started.append(proxy)
        let log = { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
        let port = try #require(waitFor { listeningPort(in: log()) })

        for index in 0..<20 {
            let answer = httpGet(port: port, path: "/e2e/\(index)")
            #expect(answer?.status == 200)
            #expect(answer?.body == "ok /e2e/\(index)\n")
        }
        proxy.signal(SIGTERM)
        #expect(proxy.waitForExit() == 0)
        #expect(log().contains("stopped: admitted=20 completed=20 failed=[] pending=0 running=0 conserved=true"))
        #expect(proxy.standardError.isEmpty, "headless with --log-file writes nothing to stderr")
    }

    @Test("a replica whose own limit (2) is below the configured 5 takes at most 3 forwards per request")
    func refusalsAreNeverALoop() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        var started: [RoutertopProcess] = []
        defer { for process in started { process.stop() } }
        let replica = try RoutertopProcess(
            ["replica", "--listen", "127.0.0.1:0", "--max-ongoing", "2", "--service-ms", "200"],
            directory: directory, name: "small-replica")
        started.append(replica)
        let replicaPort = try #require(waitFor { listeningPort(in: replica.standardError) })
        let logFile = directory.appendingPathComponent("loop-proxy.log")
        let proxy = try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--headless", "--log-file", logFile.path, "--replica", "http://127.0.0.1:\(replicaPort)"],
            directory: directory, name: "loop-proxy")
        started.append(proxy)
        let log = { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
        let port = try #require(waitFor { listeningPort(in: log()) })

        let statuses = StatusList()
        DispatchQueue.concurrentPerform(iterations: 20) { index in
            statuses.append(httpGet(port: port, path: "/loop/\(index)")?.status ?? 0)
        }
        #expect(statuses.values.count == 20)
        #expect(statuses.values.allSatisfy { $0 == 200 })
        proxy.signal(SIGTERM)
        #expect(proxy.waitForExit() == 0)
        replica.signal(SIGTERM)
        #expect(replica.waitForExit() == 0)
        let counts = try #require(replica.standardError.split(separator: "\n").last { $0.hasPrefix("routertop replica stopped:") })
        let served = try #require(Self.count("served", in: counts))
        let refused = try #require(Self.count("refused", in: counts))
        #expect(served == 20)
        #expect(served + refused <= 60, "forwards: \(served + refused)")
        #expect(log().contains("reports max_ongoing_requests 2, configured 5; using 2"))
    }

    static func count(_ name: String, in line: Substring) -> Int? {
        guard let range = line.range(of: "\(name)=") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    /// Statuses collected from concurrent clients.
    final class StatusList: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Int] = []
        func append(_ status: Int) { lock.withLock { list.append(status) } }
        var values: [Int] { lock.withLock { list } }
    }

    @Test("bad input stops start-up with status 2 and one line naming it", arguments: [
        (["--listen", "127.0.0.1:0", "--replica", "htp://x"], "htp://x"),
        (["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:1", "--replica", "http://127.0.0.1:1"],
         "given twice"),
        (["--listen", "127.0.0.1:0", "--replicas", "/no/such/replicas.toml"], "/no/such/replicas.toml"),
        (["--listen", "127.0.0.1", "--replica", "http://127.0.0.1:1"], "--listen=127.0.0.1"),
        (["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:1", "--max-reroutes=-1"], "--max-reroutes=-1"),
        (["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:1", "--header-timeout-s=0"], "--header-timeout-s=0"),
        (["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:1", "--idle-timeout-s=soon"], "--idle-timeout-s=soon"),
        (["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:1", "--max-connections=0"], "--max-connections=0"),
        (["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:1", "--body-budget-mb=1.5"], "--body-budget-mb=1.5"),
        (["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:1", "--event-loops=0"], "--event-loops=0"),
        (["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:1", "--event-loops=65"], "--event-loops=65"),
        (["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:1", "--event-loops=two"], "--event-loops=two"),
    ])
    func badInput(arguments: [String], named: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let process = try RoutertopProcess(arguments + ["--headless"], directory: directory, name: "bad")
        defer { process.stop() }
        #expect(process.waitForExit() == 2)
        let lines = process.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(lines)")
        #expect(process.standardError.contains(named))
    }

    /// On two loops the router had started and handed its lanes work to close when the bind failed:
    /// the loops were shut down under that work, which SwiftNIO's strict mode turns into a crash
    /// (and otherwise prints an error). It happened in about one start in three, so each is tried 8 times.
    @Test("a port in use stops start-up with status 2 and one line, every time", arguments: [1, 2])
    func portInUse(eventLoops: Int) throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0"], directory: directory,
                                           name: "busy-\(eventLoops)")
        defer { replica.stop() }
        let port = try #require(waitFor { listeningPort(in: replica.standardError) })
        for attempt in 1...8 {
            let name = "proxy-busy-\(eventLoops)-\(attempt)"
            let proxy = try RoutertopProcess(
                ["--listen", "127.0.0.1:\(port)", "--replica", "http://127.0.0.1:\(port)", "--headless",
                 "--event-loops", String(eventLoops), "--log-file", directory.appendingPathComponent("\(name).log").path],
                directory: directory, name: name, environment: ["SWIFTNIO_STRICT": "1"])
            defer { proxy.stop() }
            #expect(proxy.waitForExit() == 2, "attempt \(attempt)")
            let lines = proxy.standardError.split(separator: "\n")
            #expect(lines == ["routertop: --listen 127.0.0.1:\(port): the address is already in use"],
                    "attempt \(attempt): \(lines)")
        }
    }

    /// Below the descriptors start-up needs, it would fail part way (SwiftNIO stops the process) or
    /// start without its signal handlers: it stops first, with the limit and what it needs.
    @Test("a descriptor limit too low to start stops start-up with exit 2 and one line", arguments: [(1, 38), (2, 41)])
    func descriptorLimitTooLow(eventLoops: Int, needed: Int) throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let proxy = try RoutertopProcess.external(
            "/bin/sh",
            ["-c", "ulimit -n 22 && exec \"$0\" \"$@\"", PackagePaths.routertop, "--listen", "127.0.0.1:0",
             "--replica", "http://127.0.0.1:9", "--headless", "--event-loops", String(eventLoops)],
            directory: directory, name: "fd-low-\(eventLoops)")
        defer { proxy.stop() }
        #expect(proxy.waitForExit() == 2)
        let loops = eventLoops == 1 ? "1 event loop" : "\(eventLoops) event loops"
        #expect(proxy.standardError.split(separator: "\n") == [
            "routertop: the descriptor limit (ulimit -n) is 22, below the \(needed) routertop needs to start with \(loops); raise it or run fewer loops (--event-loops)",
        ])
    }

    /// `accept` fails while the process has no descriptor left; the clients wait in the backlog. The
    /// default connection limit stays below the descriptors (it would refuse these clients instead),
    /// so the limit is set above them, as an operator may.
    @Test("at the descriptor limit the front door says so, pauses, and takes clients again once descriptors are free")
    func descriptorLimit() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0"], directory: directory, name: "fd-replica")
        defer { replica.stop() }
        let replicaPort = try #require(waitFor { listeningPort(in: replica.standardError) })
        let logFile = directory.appendingPathComponent("fd-proxy.log")
        // The shell lowers the limit, then becomes routertop ($0 is its path, "$@" its arguments).
        let proxy = try RoutertopProcess.external(
            "/bin/sh",
            ["-c", "ulimit -n 64 && exec \"$0\" \"$@\"", PackagePaths.routertop, "--listen", "127.0.0.1:0",
             "--replica", "http://127.0.0.1:\(replicaPort)", "--headless", "--event-loops", "2",
             "--max-connections", "1000", "--log-file", logFile.path],
            directory: directory, name: "fd-proxy")
        defer { proxy.stop() }
        let log = { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }
        let port = try #require(waitFor { listeningPort(in: log()) })
        // The clients come at once: start-up goes on after the front door listens (the control API,
        // the SIGHUP handler), and the front door takes no client before it is done, so the clients
        // cannot take the descriptors it needs (they once did, and the process crashed).
        // More clients than the 64 descriptors, less those the router holds already, can take.
        var held: [Int32] = []
        defer { for socket in held { close(socket) } }
        for _ in 0..<64 { held.append(try #require(connectedLoopbackSocket(port: port))) }
        let warned = waitFor { log().contains("front door: cannot accept a connection: Too many open files") ? true : nil }
        #expect(warned == true, "\(log())")

        for socket in held { close(socket) }
        held = []
        let answer = waitFor { httpGet(port: port, path: "/after-the-limit") }
        #expect(answer?.status == 200)
        proxy.signal(SIGTERM)
        #expect(proxy.waitForExit() == 0)
        // Each pause is counted: the last line's count is the number of warnings.
        let warnings = log().components(separatedBy: "front door: cannot accept a connection").count - 1
        let counted = log().firstMatch(of: /accept_pauses=(\d+)/).flatMap { Int($0.1) }
        #expect(warnings >= 1)
        #expect(counted == warnings, "\(log())")
    }
}
