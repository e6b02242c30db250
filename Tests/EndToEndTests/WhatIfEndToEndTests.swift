import Foundation
import Testing

/// The editor's what-if, suggest and the recording export, driven in tmux on the simulated fleet.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; these tests drive the dashboard in tmux"))
struct WhatIfEndToEndTests {
    private func startDashboard() throws -> TmuxSession? {
        guard let binary = DashboardBinary.require() else { return nil }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("routertop-e2e-\(UUID().uuidString).log")
        return try TmuxSession(columns: 120, rows: 40,
                               command: "\(TmuxSession.quote(binary)) --log-file \(TmuxSession.quote(log.path))")
    }

    /// The figures row of the what-if block: its live and edited cells (nil while it is not drawn).
    private static func fulfilmentRow(_ screen: String) -> Substring? {
        screen.split(separator: "\n").first { $0.contains("fulfilment p50 / p99 (ms)") }
    }

    /// True when both columns hold figures ("a / b" twice).
    private static func bothColumnsReady(_ screen: String) -> Bool {
        guard let row = fulfilmentRow(screen) else { return false }
        return row.components(separatedBy: " / ").count == 4 && !row.contains("computing")
    }

    @Test func theEditorShowsLiveAndEditedFiguresAndStaysResponsiveWhileComputing() async throws {
        guard let tmux = try startDashboard() else { return }
        defer { tmux.kill() }
        try await tmux.waitForScreen("the replica table") { $0.contains("replica node/zone") }
        // A few seconds of traffic to record.
        try await Task.sleep(for: .seconds(3))
        try tmux.press("e")
        let block = try await tmux.waitForScreen("the what-if block with both columns", timeout: .seconds(60)) { screen in
            screen.contains("what-if over the recorded") && screen.contains("edited") && Self.bothColumnsReady(screen)
        }
        // The title, the column headings and the request count each in a place of its own, none over another.
        let title = block?.split(separator: "\n").first { $0.contains("what-if over the recorded") } ?? ""
        #expect(title.range(of: #"recorded [0-9.]+ s +live +edited +[0-9]+ requests"#, options: .regularExpression) != nil,
                "\(title)")
        // A new value: the edited column is recomputed, and every key shows at once meanwhile.
        try tmux.press("DC")
        try tmux.type("0.2")
        try await tmux.waitForScreen("the typed value while the edited column waits", timeout: .seconds(2)) { screen in
            screen.contains("0.2_")
        }
        try tmux.press("Down")
        try tmux.press("DC")
        try tmux.type("3")
        try await tmux.waitForScreen("the next field typed at once", timeout: .seconds(2)) { $0.contains("3_") }
        let settled = try await tmux.waitForScreen("the edited figures for the new settings", timeout: .seconds(60)) {
            Self.bothColumnsReady($0) && $0.contains("3_")
        }
        let row = try #require(settled.flatMap(Self.fulfilmentRow))
        let cells = row.components(separatedBy: "  ").filter { $0.contains("/") && !$0.contains("fulfilment") }
        #expect(cells.count == 2, "live and edited cells: \(row)")

        // Suggest: progress, then three candidates; F7 puts the first into the form, nothing applied.
        try tmux.press("F5")
        try await tmux.waitForScreen("the suggestions", timeout: .seconds(30)) { $0.contains("suggestions (F7") }
        try tmux.press("F7")
        try await tmux.waitForScreen("the first suggestion in the form") { $0.contains("suggestion 1 of") }
        try tmux.press("Escape")
        let after = try await tmux.waitForScreen("the table again") { !$0.contains("what-if over") && $0.contains("replica node/zone") }
        #expect(after?.split(separator: "\n").prefix(3).contains { $0.contains("backoff 0.025s") } == true,
                "nothing was applied")

        // W writes the recording where E writes settings.
        try tmux.press("W")
        try await tmux.waitForScreen("the export's status") { $0.contains("export recording: written to") }
        let folder = tmux.directory.appendingPathComponent("state/routertop")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .first { $0.hasPrefix("routertop-recording-") && $0.hasSuffix(".json") })
        let data = try Data(contentsOf: folder.appendingPathComponent(file))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let arrivals = try #require(object["arrivals"] as? [String: Any])
        #expect(((arrivals["at_ms"] as? [Any])?.count ?? 0) > 100)
        #expect(object["window_s"] as? Double == 60)
        try tmux.press("q")
        #expect(try await tmux.waitForExit() == 0)
    }
}
