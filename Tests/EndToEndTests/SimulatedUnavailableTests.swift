import Foundation
import RouterAPI
import TestSupport
import Testing

/// `u` on the simulated fleet makes a replica unavailable as Ray's would be: requests sent to it
/// fail before answering and go elsewhere, and it is marked unavailable at once.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; this test drives the dashboard in tmux"))
struct SimulatedUnavailableTests {
    @Test("u on a replica routed from its cache entry stops its completions within 1 s and marks it unavailable")
    func unavailableReplicaStopsCompleting() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let tmux = try TmuxSession(columns: 120, rows: 40, command: TmuxSession.quote(PackagePaths.routertop))
        defer { tmux.kill() }
        try await tmux.waitForScreen("the dashboard") { $0.contains("▶r1") }
        let api = ControlAPI(socket: tmux.directory.appendingPathComponent("run/routertop/default.sock").path)
        // r8 is on another node than the router: lightly loaded, and routed from its cache entry
        // (fresh for the 10 s cache TTL) rather than probed.
        func r8() -> ReplicaSnapshot? { api.snapshot()?.replicas.first { $0.id == "r8" } }
        try tmux.press("End")
        try await tmux.waitForScreen("r8 selected") { $0.contains("▶r8") }
        let busy = try #require(await eventually { r8().flatMap { $0.completed > 5 ? $0 : nil } })
        #expect(busy.state == .healthy)

        try tmux.press("u")
        try await Task.sleep(for: .seconds(1))
        let after = try #require(r8())
        try await Task.sleep(for: .seconds(2))
        let later = try #require(r8())
        // The first request sent to it marks it, not the expiry of its cache entry (10 s).
        #expect(later.state == .unavailable)
        #expect(later.completed == after.completed, "no completions more than 1 s after u: \(after.completed) → \(later.completed)")
        let snapshot = try #require(api.snapshot())
        #expect(snapshot.totals.failedTotal == 0, "requests sent to it were routed again, none lost")
    }
}
