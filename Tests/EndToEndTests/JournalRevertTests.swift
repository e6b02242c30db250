import Foundation
import RouterAPI
import TestSupport
import Testing

/// The journal view's revert: the start-up settings can be restored from any entry, and the
/// highlight stays on the entry reverted to.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; this test drives the dashboard in tmux"))
struct JournalRevertTests {
    @Test("R on the first entry, before any settings change, reverts to the start-up settings; the highlight stays on it")
    func revertToStartupFromFirstEntry() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let tmux = try TmuxSession(columns: 120, rows: 40, command: TmuxSession.quote(PackagePaths.routertop))
        defer { tmux.kill() }
        try await tmux.waitForScreen("the dashboard") { $0.contains("Replicas") }
        let api = ControlAPI(socket: tmux.directory.appendingPathComponent("run/routertop/default.sock").path)
        let startup = try #require(await eventually { api.settings() })
        // #1 changes the load (no settings change at or before it); #2 changes a setting.
        try tmux.press("+")
        try await tmux.waitForScreen("the load change") { $0.contains(" req/s") }
        let changed = try #require(api.send("PUT", "/v1/settings", #"{"initial_backoff_s": 0.2}"#))
        #expect(changed.status == 200, "\(changed.body)")
        #expect(await eventually { api.settings().flatMap { $0 != startup ? true : nil } } == true)

        try tmux.press("J")
        try await tmux.waitForScreen("the journal with both entries") { $0.contains("#1") && $0.contains("#2") }
        try tmux.press("End")
        try tmux.press("R")
        try await tmux.waitForScreen("the revert offer") { $0.contains("Revert to the settings just after #1") }
        try tmux.press("y")
        try await tmux.waitForScreen("the revert carried out") { $0.contains("revert to #1: settings revert") }
        #expect(await eventually { api.settings().flatMap { $0 == startup ? true : nil } } == true)
        // The journal now has #3 (the revert) on top; the highlight is still on #1.
        try await tmux.waitForScreen("the revert's own entry") { $0.contains("#3") }
        try tmux.press("Enter")
        let whole = try #require(try await tmux.waitForScreen("the selected entry shown whole") { $0.contains("who: ") })
        #expect(whole.contains(#/#1  \d/#), "the highlight stayed on #1:\n\(whole)")
    }
}
