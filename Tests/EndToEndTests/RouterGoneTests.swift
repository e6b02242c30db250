import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Proxy mode with the dashboard when its router process dies: the screen says so at once, and
/// `r` starts it again with the same command line.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; this test drives the dashboard in tmux"))
struct RouterGoneTests {
    @Test("kill -9 of proxy mode's router shows router stopped within 2 s; r brings routing back")
    func killedRouterIsLoudAndRestarts() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        // The control socket's folder must be the user's alone.
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "2"],
                                           directory: directory, name: "replica")
        defer { replica.stop() }
        let replicaPort = try #require(waitFor { listeningPort(in: replica.standardError) })
        let listenPort = try #require(freeLoopbackPort())
        let socket = directory.appendingPathComponent("router.sock").path
        let log = directory.appendingPathComponent("proxy.log")
        let tmux = try TmuxSession(
            columns: 120, rows: 36,
            command: "\(TmuxSession.quote(PackagePaths.routertop)) --listen 127.0.0.1:\(listenPort) "
                + "--replica http://127.0.0.1:\(replicaPort) --control \(TmuxSession.quote(socket)) "
                + "--log-file \(TmuxSession.quote(log.path))")
        let api = ControlAPI(socket: socket)
        // The router runs in a session of its own: whatever happens, the test stops every one it started.
        var routerPids: [Int32] = []
        defer {
            _ = api.send("POST", "/v1/stop")
            for pid in routerPids { kill(pid, SIGKILL) }
            tmux.kill()
        }
        try await tmux.waitForScreen("the proxy header") { $0.contains("proxy on 127.0.0.1:") }
        let first = try #require(await eventually { api.snapshot()?.router.pid })
        routerPids.append(first)
        #expect(httpGet(port: listenPort, path: "/before")?.status == 200)

        kill(first, SIGKILL)
        let killedAt = ContinuousClock.now
        let stopped = try #require(try await tmux.waitForScreen("router stopped in the header") {
            $0.contains("router stopped") && $0.contains("not routing")
        })
        #expect(ContinuousClock.now - killedAt < .seconds(2))
        #expect(stopped.contains("LAST KNOWN STATE"))
        #expect(!stopped.contains("reconnecting"))
        #expect(stopped.contains("r start the router again"))
        #expect(httpGet(port: listenPort, path: "/while-stopped") == nil)

        // The quit question never offers to keep routing when nothing routes.
        try tmux.press("q")
        try await Task.sleep(for: .milliseconds(300))
        let afterQ = try tmux.capture()
        #expect(!afterQ.contains("keep routing"))
        // q quits at once; this run is started again to try `r`.
        #expect(try await tmux.waitForExit() == 0)
        tmux.kill()

        let again = try TmuxSession(
            columns: 120, rows: 36,
            command: "\(TmuxSession.quote(PackagePaths.routertop)) --listen 127.0.0.1:\(listenPort) "
                + "--replica http://127.0.0.1:\(replicaPort) --control \(TmuxSession.quote(socket)) "
                + "--log-file \(TmuxSession.quote(log.path))")
        defer { again.kill() }
        try await again.waitForScreen("the proxy header") { $0.contains("proxy on 127.0.0.1:") }
        let second = try #require(await eventually { api.snapshot()?.router.pid })
        routerPids.append(second)
        kill(second, SIGKILL)
        try await again.waitForScreen("router stopped in the header") { $0.contains("router stopped") }
        try again.press("r")
        try await again.waitForScreen("routing again") { screen in
            screen.contains("connected") && !screen.contains("router stopped") && !screen.contains("LAST KNOWN STATE")
        }
        let third = try #require(await eventually { api.snapshot()?.router.pid })
        routerPids.append(third)
        #expect(third != second)
        #expect(httpGet(port: listenPort, path: "/after-restart")?.status == 200)
        #expect(await eventually { (api.snapshot()?.totals.completed ?? 0) >= 1 ? true : nil } == true)
    }
}
