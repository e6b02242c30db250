import Foundation
import TestSupport
import Testing

/// Proxy mode with the dashboard: the built binary in tmux, in front of a real replica.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; this test drives the dashboard in tmux"))
struct ProxyDashboardTests {
    @Test("with --listen the dashboard shows real traffic, and q then s stops the router cleanly")
    func dashboardShowsRealTraffic() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "2"],
                                           directory: directory, name: "replica")
        defer { replica.stop() }
        let replicaPort = try #require(waitFor { listeningPort(in: replica.standardError) })

        let log = directory.appendingPathComponent("proxy.log")
        let tmux = try TmuxSession(
            columns: 120, rows: 36,
            command: "\(TmuxSession.quote(PackagePaths.routertop)) --listen 127.0.0.1:0 "
                + "--replica http://127.0.0.1:\(replicaPort) --log-file \(TmuxSession.quote(log.path))")
        defer { tmux.kill() }
        let readLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let port = try #require(waitFor { listeningPort(in: readLog()) })
        try await tmux.waitForScreen("the proxy header") { $0.contains("proxy on 127.0.0.1:") }

        for index in 0..<10 {
            #expect(httpGet(port: port, path: "/seen/\(index)")?.status == 200)
        }
        try await tmux.waitForScreen("ten routed requests in the replica table") { screen in
            screen.contains("attempts per request: 1:10")
        }
        try tmux.press("q")
        try await tmux.waitForScreen("the quit question") { $0.contains("Stopping lets what is in flight finish") }
        try tmux.press("s")
        #expect(try await tmux.waitForExit() == 0)
        #expect(readLog().contains("stopped: admitted=10 completed=10 failed=[] pending=0 running=0 conserved=true"))
    }
}
