import Foundation
import TestSupport
import Testing

/// Proxy mode started again while its router runs, with another replica list (built binary): on a
/// terminal it names the difference and asks; `s` stops that router and starts one with this
/// command. Without a terminal it exits 2 naming the difference, and starts nothing.
@Suite("proxy mode run again with other flags (built binary)", .serialized)
struct ProxyRerunTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-rerun-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    /// Two replicas and a headless router in front of the first, on a socket of the test's own.
    private func running() throws -> (replicas: [RoutertopProcess], ports: [Int], router: RoutertopProcess, socket: String) {
        var replicas: [RoutertopProcess] = []
        var ports: [Int] = []
        for name in ["replica-a", "replica-b"] {
            let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "2"],
                                               directory: directory, name: name)
            replicas.append(replica)
            ports.append(try #require(waitFor { listeningPort(in: replica.standardError) }))
        }
        let socket = directory.appendingPathComponent("rerun.sock").path
        let router = try RoutertopProcess(
            ["--listen", "127.0.0.1:0", "--headless", "--replica", "http://127.0.0.1:\(ports[0])", "--control", socket],
            directory: directory, name: "first")
        #expect(waitFor { ControlAPI(socket: socket).snapshot() } != nil)
        return (replicas, ports, router, socket)
    }

    @Test func withoutATerminalItExitsTwoNamingTheDifference() throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (replicas, ports, router, socket) = try running()
        defer { router.stop(); replicas.forEach { $0.stop() } }
        let again = try RoutertopProcess(["--listen", "127.0.0.1:0", "--replica", "http://127.0.0.1:\(ports[1])",
                                          "--control", socket], directory: directory, name: "again")
        defer { again.stop() }
        #expect(again.waitForExit() == 2)
        #expect(again.standardError == "routertop: the router at \(socket) (pid \(router.process.processIdentifier)) runs "
            + "with other flags: this command has --replica http://127.0.0.1:\(ports[1]); the running router has --replica "
            + "http://127.0.0.1:\(ports[0]); attach to it with the same command, or stop it first (routertop attach, then q and s)\n")
        // The running router was left alone.
        #expect(ControlAPI(socket: socket).snapshot()?.replicas.map(\.id.rawValue) == ["127.0.0.1:\(ports[0])"])
    }

    @Test(.enabled(if: TmuxSession.isAvailable, "tmux drives the question"))
    func onATerminalItAsksAndSStartsANewRouter() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (replicas, ports, router, socket) = try running()
        defer { router.stop(); replicas.forEach { $0.stop() } }
        let log = directory.appendingPathComponent("second.log").path
        let tmux = try TmuxSession(
            columns: 120, rows: 40,
            command: "\(TmuxSession.quote(PackagePaths.routertop)) --listen 127.0.0.1:0 --replica http://127.0.0.1:\(ports[1]) "
                + "--control \(TmuxSession.quote(socket)) --log-file \(TmuxSession.quote(log))")
        defer { tmux.kill() }
        let question = try #require(await tmux.waitForScreen("the question") { $0.contains("a, s or q?") })
        // The line wraps at the pane's width.
        #expect(question.replacingOccurrences(of: "\n", with: "").contains("runs with other flags: this command has --replica http://127.0.0.1:\(ports[1]); "
            + "the running router has --replica http://127.0.0.1:\(ports[0])"))
        try tmux.type("s")
        try tmux.press("Enter")
        #expect(router.waitForExit(timeout: .seconds(40)) == 0, "the running router stopped")
        try await tmux.waitForScreen("the new router's dashboard with the other replica") { screen in
            screen.contains("proxy on 127.0.0.1:") && screen.contains("127.0.0.1:\(ports[1])")
        }
        #expect(await eventually { ControlAPI(socket: socket).snapshot()?.replicas.map(\.id.rawValue) }
            == ["127.0.0.1:\(ports[1])"])
        try tmux.press("q")
        try await tmux.waitForScreen("the quit question") { $0.contains("Stopping lets what is in flight finish") }
        try tmux.press("s")
        #expect(try await tmux.waitForExit() == 0)
    }
}
