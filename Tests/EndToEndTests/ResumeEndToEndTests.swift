import Foundation
import RouterAPI
import TestSupport
import Testing

/// Changes persist (built binary, proxy mode): replicas added and drained over the API are
/// journaled; a restart without `--resume` names them in the drift warning, a restart with it
/// has them again and says what it restored.
@Suite("resume from the journal (built binary)", .serialized)
struct ResumeEndToEndTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-resume-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    @Test func aReplicaAddedAndADrainSurviveARestartWithResume() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "2"],
                                         directory: directory, name: "replica-a")
        defer { first.stop() }
        let second = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "2"],
                                          directory: directory, name: "replica-b")
        defer { second.stop() }
        let portA = try #require(waitFor { listeningPort(in: first.standardError) })
        let portB = try #require(waitFor { listeningPort(in: second.standardError) })
        let a = "127.0.0.1:\(portA)", b = "127.0.0.1:\(portB)"
        let socket = directory.appendingPathComponent("resume.sock").path
        let journal = directory.appendingPathComponent("resume.journal.jsonl").path
        let api = ControlAPI(socket: socket)
        func router(_ extra: [String], name: String) throws -> RoutertopProcess {
            try RoutertopProcess(["--listen", "127.0.0.1:0", "--headless", "--replica", "http://\(a)",
                                  "--control", socket, "--journal", journal] + extra,
                                 directory: directory, name: name)
        }
        func replicas() -> [String: ReplicaState]? {
            api.snapshot().map { Dictionary(uniqueKeysWithValues: $0.replicas.map { ($0.id.rawValue, $0.state) }) }
        }
        func stop(_ process: RoutertopProcess) {
            _ = api.send("POST", "/v1/stop")
            #expect(process.waitForExit(timeout: .seconds(40)) == 0)
        }

        // Live changes: B added, A drained.
        let changed = try router([], name: "changed")
        defer { changed.stop() }
        #expect(await eventually { replicas() == [a: .healthy] ? true : nil } == true, "\(String(describing: replicas()))")
        #expect(api.send("POST", "/v1/replicas", #"{"url": "http://\#(b)"}"#)?.status == 200)
        #expect(await eventually { replicas()?[b] == .healthy ? true : nil } == true)
        #expect(api.send("POST", "/v1/replicas/\(a)/drain")?.status == 200)
        #expect(await eventually { replicas()?[a] == .draining ? true : nil } == true)
        stop(changed)

        // Without --resume: the command line's set, and a warning naming what is not in effect.
        let plain = try router([], name: "plain")
        defer { plain.stop() }
        #expect(await eventually { replicas() == [a: .healthy] ? true : nil } == true, "\(String(describing: replicas()))")
        let warning = waitFor { plain.standardError.split(separator: "\n").first { $0.contains("live replica changes") } }
        #expect(warning?.hasSuffix("are not in effect: added \(b); drained \(a); start with --resume to keep them") == true,
                "\(plain.standardError)")
        stop(plain)

        // With --resume: both, A still draining, and one line saying what was restored.
        let resumed = try router(["--resume"], name: "resumed")
        defer { resumed.stop() }
        let expected: [String: ReplicaState] = [a: .draining, b: .healthy]
        #expect(await eventually { replicas() == expected ? true : nil } == true, "\(String(describing: replicas()))")
        let restored = "resumed from the journal: the replica set (added \(b); drained \(a))"
        #expect(resumed.standardError.contains(restored), "\(resumed.standardError)")
        #expect(await eventually { api.snapshot()?.events.contains { $0.kind == .info && $0.message == restored } == true ? true : nil } == true)
        stop(resumed)
    }
}

/// The issue's case on the screen: a replica added with `a` in proxy mode's dashboard is there again
/// after the router is stopped and the same command is run with `--resume`.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; this test drives the dashboard in tmux"))
struct ResumeDashboardTests {
    @Test func aReplicaAddedFromTheDashboardIsThereAfterARestartWithResume() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-resume-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        var replicas: [RoutertopProcess] = []
        var ports: [Int] = []
        for name in ["replica-a", "replica-b"] {
            let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "2"],
                                               directory: directory, name: name)
            replicas.append(replica)
            ports.append(try #require(waitFor { listeningPort(in: replica.standardError) }))
        }
        defer { replicas.forEach { $0.stop() } }
        let socket = directory.appendingPathComponent("dash.sock").path
        let command = "\(TmuxSession.quote(PackagePaths.routertop)) --listen 127.0.0.1:0 --replica http://127.0.0.1:\(ports[0]) "
            + "--control \(TmuxSession.quote(socket)) --journal \(TmuxSession.quote(directory.appendingPathComponent("dash.journal.jsonl").path)) "
            + "--log-file \(TmuxSession.quote(directory.appendingPathComponent("dash.log").path))"

        let first = try TmuxSession(columns: 120, rows: 40, command: command)
        defer { first.kill() }
        try await first.waitForScreen("the proxy dashboard") { $0.contains("proxy on 127.0.0.1:") }
        try first.press("a")
        try await first.waitForScreen("the URL prompt") { $0.contains("replica HOST:PORT or URL:") }
        try first.type("http://127.0.0.1:\(ports[1])")
        try first.press("Enter")
        try await first.waitForScreen("the added replica in the table") { $0.contains("127.0.0.1:\(ports[1])") }
        try first.press("q")
        try await first.waitForScreen("the quit question") { $0.contains("Stopping lets what is in flight finish") }
        try first.press("s")
        #expect(try await first.waitForExit() == 0)

        let second = try TmuxSession(columns: 120, rows: 40, command: command + " --resume")
        defer { second.kill() }
        try await second.waitForScreen("both replicas after --resume, and the event saying so") { screen in
            screen.contains("127.0.0.1:\(ports[0])") && screen.contains("127.0.0.1:\(ports[1])")
                // The event log wraps the line at its panel's width.
                && screen.contains("resumed from the journal: the replica set") && screen.contains("(added 127.0.0.1:\(ports[1]))")
        }
        try second.press("q")
        try await second.waitForScreen("the quit question") { $0.contains("Stopping lets what is in flight finish") }
        try second.press("s")
        #expect(try await second.waitForExit() == 0)
    }
}
