import Foundation
import TestSupport
import Testing

/// Multiplexed models on the dashboard: the built binary in tmux in front of a `--max-models` replica.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; this test drives the dashboard in tmux"))
struct ModelsDashboardTests {
    @Test("the table shows the models a replica holds, the header the hit rate, m the models view")
    func tableShowsModels() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let replica = try RoutertopProcess(
            ["replica", "--listen", "127.0.0.1:0", "--service-ms", "2", "--max-models", "2", "--model-load-ms", "10"],
            directory: directory, name: "model-replica")
        defer { replica.stop() }
        let replicaPort = try #require(waitFor { listeningPort(in: replica.standardError) })

        let log = directory.appendingPathComponent("proxy.log")
        let tmux = try TmuxSession(
            columns: 140, rows: 36,
            command: "\(TmuxSession.quote(PackagePaths.routertop)) --listen 127.0.0.1:0 --cache-timeout-s 0 "
                + "--replica http://127.0.0.1:\(replicaPort) --log-file \(TmuxSession.quote(log.path))")
        defer { tmux.kill() }
        let readLog = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let port = try #require(waitFor { listeningPort(in: readLog()) })
        try await tmux.waitForScreen("the proxy header") { $0.contains("proxy on 127.0.0.1:") }

        for index in 0..<6 {
            let model = index < 4 ? "adapter-7" : "adapter-9"
            #expect(httpGet(port: port, path: "/m/\(index)", headers: ["serve_multiplexed_model_id": model])?.status == 200)
        }
        try await tmux.waitForScreen("the models column and the hit rate") { screen in
            screen.contains("models hit ") && screen.contains("2 adapter-7")
        }
        try tmux.press("m")
        try await tmux.waitForScreen("the models view") { screen in
            screen.contains("Models 2") && screen.contains("adapter-9")
        }
        try tmux.press("Escape")
        try tmux.press("q")
        try await tmux.waitForScreen("the quit question") { $0.contains("Stopping lets what is in flight finish") }
        try tmux.press("s")
        #expect(try await tmux.waitForExit() == 0)
    }
}
