import Foundation
import RouterAPI
import TestSupport
import Testing

/// The header's second line after a settings change: the changed figures stay at every width,
/// and the mode keeps its place.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; this test drives the dashboard in tmux"))
struct HeaderPriorityTests {
    @Test("after changing the cache TTL and the initial backoff, both show with * at 80x24 and 120x40, with the mode",
          arguments: [(80, 24), (120, 40)])
    func changedSettingsOutrankUnchangedFigures(size: (columns: Int, rows: Int)) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let tmux = try TmuxSession(columns: size.columns, rows: size.rows, command: TmuxSession.quote(PackagePaths.routertop))
        defer { tmux.kill() }
        try await tmux.waitForScreen("the dashboard") { $0.contains("Replicas") }
        let api = ControlAPI(socket: tmux.directory.appendingPathComponent("run/routertop/default.sock").path)
        _ = try #require(await eventually { api.settings() })
        let changed = try #require(api.send("PUT", "/v1/settings", #"{"cache_timeout_s": 2.5, "initial_backoff_s": 0.2}"#))
        #expect(changed.status == 200, "\(changed.body)")
        let screen = try #require(try await tmux.waitForScreen("the changed figures") { screen in
            let header = screen.split(separator: "\n").prefix(2).joined(separator: "\n")
            return header.contains("cache TTL 2.5s*") && header.contains("backoff 0.2s*")
        })
        let second = screen.split(separator: "\n")[1]
        #expect(second.contains("simulated"), "the mode keeps its place: \(second)")
    }
}
