import Foundation
import TestSupport
import Testing

/// The dashboard's trace lookup on the built binary in proxy mode: the `X-Request-Id` of a real
/// response, typed after `T`, shows that request's trace; the replica detail's recent requests lead
/// to a trace with Tab and Enter.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; this test drives the dashboard in tmux"))
struct TraceLookupDashboardTests {
    @Test("T with a response's X-Request-Id shows its trace; Tab and Enter in the replica detail show a recent one")
    func lookUpTraceFromTheDashboard() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let replica = try RoutertopProcess(["replica", "--listen", "127.0.0.1:0", "--service-ms", "2"],
                                           directory: directory, name: "replica")
        defer { replica.stop() }
        let replicaPort = try #require(waitFor { listeningPort(in: replica.standardError) })

        let log = directory.appendingPathComponent("proxy.log")
        let tmux = try TmuxSession(
            columns: 120, rows: 40,
            command: "\(TmuxSession.quote(PackagePaths.routertop)) --listen 127.0.0.1:0 "
                + "--replica http://127.0.0.1:\(replicaPort) --log-file \(TmuxSession.quote(log.path))")
        defer { tmux.kill() }
        let readLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let port = try #require(waitFor { listeningPort(in: readLog()) })
        try await tmux.waitForScreen("the proxy header") { $0.contains("proxy on 127.0.0.1:") }

        // The router's own id, from a real response.
        let plain = try #require(httpResponse(port: port, method: "GET", path: "/first"))
        #expect(plain.status == 200)
        let ownID = try #require(plain.header("x-request-id"))
        #expect(ownID == "req-1")
        // A client's own id, kept and returned.
        let client = try #require(httpResponse(port: port, method: "GET", path: "/second",
                                               headers: ["X-Request-Id": "lookup-me-42"]))
        #expect(client.header("x-request-id") == "lookup-me-42")

        try tmux.press("T")
        try await tmux.waitForScreen("the id prompt") { $0.contains("request id (req-N") }
        try tmux.type("lookup-me-42")
        try tmux.press("Enter")
        let clientScreen = try #require(await tmux.waitForScreen("the client's request trace") { screen in
            screen.contains("Trace of lookup-me-42") && screen.contains("outcome completed")
        })
        #expect(clientScreen.contains("req-2  client id lookup-me-42"))
        // The first request had finished: nothing was ahead of it, and the cap was one task for one waiting request.
        #expect(clientScreen.contains("0 requests ahead in the queue, task cap 1"))
        #expect(clientScreen.contains("first attempt began at admission"))
        #expect(clientScreen.contains("send to 127.0.0.1:\(replicaPort)"))

        // An id nobody sent says what is searched.
        try tmux.press("Escape")
        try tmux.press("T")
        try await tmux.waitForScreen("the id prompt again") { $0.contains("request id (req-N") }
        try tmux.type("nobody-sent-this")
        try tmux.press("Enter")
        try await tmux.waitForScreen("the refusal") { $0.contains("nobody-sent-this has no trace") }
        try tmux.press("Escape")

        // The replica detail lists its recent requests; Tab selects the newest, Enter shows its trace.
        try await tmux.waitForScreen("the trace closed") { !$0.contains("Trace of") }
        try tmux.press("Enter")
        try await tmux.waitForScreen("the detail's recent requests") { screen in
            screen.contains("Recent requests of") && screen.contains("req-2  lookup-me-42  completed")
        }
        try tmux.press("Tab")
        try tmux.press("Enter")
        let recentScreen = try #require(await tmux.waitForScreen("the recent request's trace") { screen in
            screen.contains("Trace of req-2") && screen.contains("outcome completed")
        })
        #expect(recentScreen.contains("client id lookup-me-42"))
        try tmux.press("Escape")
        try await tmux.waitForScreen("back in the detail") { !$0.contains("Trace of") }
    }
}
