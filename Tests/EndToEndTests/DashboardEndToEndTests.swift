import Foundation
import Testing

/// Drives the built binary in tmux the way an operator would, at 120×40.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; these tests drive the dashboard in tmux"))
struct DashboardEndToEndTests {
    /// Starts the dashboard over the simulated fleet; nil (with a recorded issue) when it is not built.
    private func startDashboard(columns: Int = 120, rows: Int = 40, arguments: String = "") throws -> TmuxSession? {
        guard let binary = DashboardBinary.require() else { return nil }
        return try TmuxSession(columns: columns, rows: rows, command: "\(TmuxSession.quote(binary)) \(arguments)")
    }

    @discardableResult
    private func waitForReplicaTable(_ tmux: TmuxSession, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
        try await tmux.waitForScreen("the replica table", sourceLocation: sourceLocation) {
            $0.contains("replica-1") && $0.contains("healthy")
        }
    }

    @Test func startsShowsReplicasAndQuitsWithStatusZero() async throws {
        guard let tmux = try startDashboard() else { return }
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return }
        try tmux.press("q")
        #expect(try await tmux.waitForExit() == 0)
    }

    @Test func injectedFaultChangesTheReplicaState() async throws {
        guard let tmux = try startDashboard() else { return }
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return }
        try tmux.press("u")
        try await tmux.waitForScreen("replica-1 unavailable") { screen in
            screen.split(separator: "\n").contains { $0.contains("replica-1 ") && $0.contains("unavailable") }
        }
        try tmux.press("q")
        #expect(try await tmux.waitForExit() == 0)
    }

    @Test func shrinksToTheTooSmallLineAndComesBack() async throws {
        guard let tmux = try startDashboard() else { return }
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return }
        try tmux.resize(columns: 30, rows: 8)
        try await tmux.waitForScreen("the too-small line") { $0.contains("too small") }
        try tmux.resize(columns: 120, rows: 40)
        try await waitForReplicaTable(tmux)
        try tmux.press("q")
        #expect(try await tmux.waitForExit() == 0)
    }

    @Test(arguments: ["TERM", "INT", "HUP"])
    func stopSignalRestoresTheTerminalAndExitsZero(signal: String) async throws {
        guard let binary = DashboardBinary.require() else { return }
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString).pid")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let tmux = try TmuxSession(
            columns: 120, rows: 40,
            command: "sh -c 'echo $$ > \(pidFile.path); exec \"$0\"' \(TmuxSession.quote(binary))"
        )
        defer { tmux.kill() }
        guard try await waitForReplicaTable(tmux) != nil else { return }
        let pid = try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let kill = try CommandRun.run("/bin/kill", ["-\(signal)", pid])
        #expect(kill.status == 0)
        #expect(try await tmux.waitForExit() == 0)
        // endwin left the alternate screen: the dashboard is gone from the pane.
        let after = try tmux.capture()
        #expect(!after.contains("replica-1"))
    }

    @Test func standardInputNotATerminalExitsTwoWithOneLine() async throws {
        guard let binary = DashboardBinary.require() else { return }
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(at: errors) }
        let tmux = try TmuxSession(
            columns: 120, rows: 40,
            command: "\(TmuxSession.quote(binary)) < /dev/null 2> \(TmuxSession.quote(errors.path))"
        )
        defer { tmux.kill() }
        #expect(try await tmux.waitForExit() == 2)
        let message = try String(contentsOf: errors, encoding: .utf8)
        #expect(message.split(separator: "\n").count == 1)
        #expect(message.contains("standard input is not a terminal"))
        #expect(message.contains("routertop simulate --scenario FILE"))
        #expect(message.contains("--headless"))
    }
}
