import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built binary in proxy mode, in tmux, in front of real replicas: what the screen says is
/// compared with what the clients saw.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; these tests drive the dashboard in tmux"))
struct ScreenTruthTests {
    /// Replicas, and a proxy with its dashboard in tmux.
    final class Scene {
        let directory: URL
        var replicas: [RoutertopProcess] = []
        var replicaPorts: [Int] = []
        var tmux: TmuxSession!
        var proxyPort = 0
        let log: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            log = directory.appendingPathComponent("proxy.log")
        }

        func addReplica(_ arguments: [String]) throws {
            let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0"] + arguments,
                                               directory: directory, name: "replica\(replicas.count)")
            replicas.append(replica)
            replicaPorts.append(try #require(waitFor { listeningPort(in: replica.standardError) }))
        }

        func startProxy(_ arguments: [String] = [], columns: Int = 160, rows: Int = 40) async throws {
            let replicaFlags = replicaPorts.map { "--replica http://127.0.0.1:\($0)" }.joined(separator: " ")
            tmux = try TmuxSession(
                columns: columns, rows: rows,
                command: "\(TmuxSession.quote(PackagePaths.routertop)) --listen 127.0.0.1:0 \(replicaFlags) "
                    + arguments.joined(separator: " ") + " --log-file \(TmuxSession.quote(log.path))")
            proxyPort = try #require(waitFor { listeningPort(in: (try? String(contentsOf: self.log, encoding: .utf8)) ?? "") })
            try await tmux.waitForScreen("the proxy header") { $0.contains("proxy on 127.0.0.1:") }
        }

        func name(_ index: Int) -> String { "127.0.0.1:\(replicaPorts[index])" }

        func send(_ count: Int, concurrency: Int, method: String = "GET") -> [Int: Int] {
            ScreenTruthTests.send(port: proxyPort, count, concurrency: concurrency, method: method)
        }

        /// Stops the router itself (it outlives its dashboard: `q`, then `s` stops routing), then
        /// the replicas.
        func stop() {
            if let tmux {
                try? tmux.press("Escape", "q")
                _ = waitFor(.seconds(5)) { (try? tmux.capture())?.contains("stop routing") == true ? true : nil }
                try? tmux.press("s")
                _ = waitFor(.seconds(15)) { try? String(contentsOf: tmux.statusFile, encoding: .utf8) }
                tmux.kill()
            }
            for replica in replicas { replica.stop() }
        }
    }

    /// Sends `count` requests to the proxy, `concurrency` at a time; how many got each status (0: no answer).
    static func send(port: Int, _ count: Int, concurrency: Int, method: String = "GET") -> [Int: Int] {
        let tally = Tally()
        let done = DispatchGroup()
        // Threads of their own: a dispatch queue would run only as many at once as there are cores.
        for worker in 0..<concurrency {
            done.enter()
            Thread {
                for index in stride(from: worker, to: count, by: concurrency) {
                    tally.add(httpRequest(port: port, method: method, path: "/job/\(index)")?.status ?? 0)
                }
                done.leave()
            }.start()
        }
        done.wait()
        return tally.counts
    }

    /// Sends on a thread of its own: blocking a task would hold one of the few threads that run
    /// every test's tasks, and the screen polling would wait behind it.
    static func sendInBackground(port: Int, _ count: Int, concurrency: Int) -> Sending {
        let sending = Sending()
        Thread {
            sending.counts = send(port: port, count, concurrency: concurrency)
            sending.done.signal()
        }.start()
        return sending
    }

    final class Sending: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var counts: [Int: Int] = [:]
        func wait() -> [Int: Int] {
            done.wait()
            return counts
        }
    }

    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var byStatus: [Int: Int] = [:]
        func add(_ status: Int) { lock.withLock { byStatus[status, default: 0] += 1 } }
        var counts: [Int: Int] { lock.withLock { byStatus } }
    }

    /// The header's figure after the word `label` (as `shed 12`), if shown.
    static func figure(_ label: String, in screen: String) -> Int? {
        for line in screen.split(separator: "\n").prefix(2) {
            let words = line.split(separator: " ")
            for (index, word) in words.enumerated().dropLast() where word == label {
                let digits = words[index + 1].filter(\.isNumber)
                if !digits.isEmpty, let value = Int(digits) { return value }
            }
        }
        return nil
    }

    static func row(of name: String, in screen: String) -> Substring? {
        screen.split(separator: "\n").first { $0.dropFirst().hasPrefix(name + " ") }
    }

    @Test("shedding: the clients' 503s equal the shed total on screen, and the event log says so")
    func sheddingIsShown() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        try scene.addReplica(["--max-ongoing", "1", "--service-ms", "200"])
        try await scene.startProxy(["--max-pending", "2"])
        let statuses = scene.send(60, concurrency: 20)
        let shed = try #require(statuses[503], "some requests should have been shed: \(statuses)")
        #expect(statuses[200, default: 0] + shed == 60, "\(statuses)")
        let screen = try await scene.tmux.waitForScreen("the shed total \(shed) in the header") {
            Self.figure("shed", in: $0) == shed
        }
        #expect(screen.map { Self.figure("failed", in: $0) } == shed)
        try await scene.tmux.waitForScreen("shedding in the event log") {
            $0.contains("shedding:") && $0.contains("shedding stopped: \(shed) requests shed")
        }
    }

    @Test("a replica dropping connections: the 502s in the header, its errors on its row")
    func droppedConnectionsAreShown() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        try scene.addReplica(["--service-ms", "5"])
        #expect(httpRequest(port: scene.replicaPorts[0], method: "POST", path: "/-/fault/drop")?.status == 200)
        try await scene.startProxy(["--max-reroutes", "0"])
        let statuses = scene.send(10, concurrency: 2, method: "POST")
        #expect(statuses == [502: 10])
        try await scene.tmux.waitForScreen("10 replica errors in the header") { Self.figure("err", in: $0) == 10 }
        try await scene.tmux.waitForScreen("the replica's errors in the event log") {
            $0.contains("\(scene.name(0)): ") && $0.contains("upstream error") && $0.contains("connection reset")
        }
        try scene.tmux.press("Enter")
        try await scene.tmux.waitForScreen("10 upstream errors in the replica's detail") {
            $0.contains("upstream errors 10") && $0.contains("last connection reset")
        }
    }

    @Test("kill -9 of a replica: unavailable on screen within a second of the first refused connection")
    func killedReplicaIsUnavailableAtOnce() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        try scene.addReplica(["--service-ms", "2"])
        try scene.addReplica(["--service-ms", "2"])
        // A 100 ms refresh, so the second is the router's and the screen's, not the refresh interval's.
        try await scene.startProxy(["--refresh-ms", "100"])
        #expect(scene.send(20, concurrency: 4) == [200: 20])
        try await scene.tmux.waitForScreen("both replicas healthy, the 20 requests on screen") { screen in
            [0, 1].allSatisfy { Self.row(of: scene.name($0), in: screen)?.contains("healthy") == true }
                && screen.contains("attempts per request: 1:20")
        }
        scene.replicas[1].signal(SIGKILL)
        _ = scene.replicas[1].waitForExit()
        // Traffic keeps flowing meanwhile: every request still succeeds, on the other replica.
        let port = scene.proxyPort
        let killedAt = ContinuousClock.now
        let client = Self.sendInBackground(port: port, 40, concurrency: 4)
        // The router marks it at the first refused or reset connection and the screen refreshes
        // every 100 ms: about 0.3 s here, also with both cores busy, against the 1 s asked for.
        try await scene.tmux.waitForScreen("the killed replica unavailable", timeout: .seconds(1)) {
            Self.row(of: scene.name(1), in: $0)?.contains("unavailable") == true
        }
        let took = ContinuousClock.now - killedAt
        #expect(took < .seconds(1), "unavailable on screen \(took) after the kill")
        #expect(client.wait() == [200: 40])
    }

    @Test("slow probes: the waiting tasks are shown, the replica is marked slow, and a warning is logged")
    func slowProbesAreShown() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        try scene.addReplica(["--service-ms", "5", "--max-ongoing", "2"])
        #expect(httpRequest(port: scene.replicaPorts[0], method: "POST", path: "/-/fault/slow-probe?ms=3000")?.status == 200)
        try await scene.startProxy(["--routing-timeout-s", "2"])
        let port = scene.proxyPort
        let client = Self.sendInBackground(port: port, 40, concurrency: 8)
        try await scene.tmux.waitForScreen("tasks waiting on probes") { screen in
            screen.contains("probing \(scene.name(0)) for") && (Self.figure("(probing", in: screen) ?? 0) > 0
        }
        try await scene.tmux.waitForScreen("the replica marked slow, and the warning") { screen in
            Self.row(of: scene.name(0), in: screen)?.contains("slow") == true && screen.contains("got no answer within")
        }
        _ = client.wait()
    }

    @Test("a probe answered with a web page: traffic is still served, with a warning naming what it said")
    func nonJSONProbeAnswerIsShown() async throws {
        let scene = try Scene()
        defer { scene.stop() }
        try scene.addReplica(["--service-ms", "2"])
        #expect(httpRequest(port: scene.replicaPorts[0], method: "POST", path: "/-/fault/page-probe")?.status == 200)
        try await scene.startProxy()
        #expect(scene.send(20, concurrency: 4) == [200: 20])
        try await scene.tmux.waitForScreen("the warning and the replica counted locally") { screen in
            screen.contains("answered the queue-length probe with something")
                && screen.contains("It said: \"<!doctype")
                && Self.row(of: scene.name(0), in: screen)?.contains("local") == true
                && Self.row(of: scene.name(0), in: screen)?.contains("healthy") == true
        }
    }
}
