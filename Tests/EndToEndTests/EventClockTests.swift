import Foundation
import TestSupport
import Testing

/// The event log shows the time of day, local or UTC (`--utc`); the uptime stays in the header.
@Suite(.enabled(if: TmuxSession.isAvailable, "tmux is not installed; this test drives the dashboard in tmux"))
struct EventClockTests {
    /// A zone 5 h 30 min east of UTC, written as POSIX TZ so it needs no zone files.
    static let zone = "IST-5:30"
    static let offset = 5 * 3600 + 30 * 60

    /// Seconds since midnight of the newest event's time in the log, read from a line like
    /// `│ 14:03:07 replica  …`.
    static func newestEventClock(in screen: String) -> Int? {
        let pattern = #/(?:^|[\s│|])(\d\d):(\d\d):(\d\d) (?:replica|fault|settings|warning|info) /#
        var newest: Int?
        for line in screen.split(separator: "\n") {
            guard let match = line.firstMatch(of: pattern) else { continue }
            newest = Int(match.1)! * 3600 + Int(match.2)! * 60 + Int(match.3)!
        }
        return newest
    }

    /// How far apart two times of day are, around midnight.
    static func apart(_ a: Int, _ b: Int) -> Int {
        let difference = abs(a - b) % 86_400
        return min(difference, 86_400 - difference)
    }

    @Test("events show HH:MM:SS local time by default and UTC with --utc; the header keeps the uptime",
          arguments: [false, true])
    func eventLogShowsTimeOfDay(utc: Bool) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: PackagePaths.routertop), "build routertop first")
        let tmux = try TmuxSession(
            columns: 200, rows: 40,
            command: "TZ=\(Self.zone) \(TmuxSession.quote(PackagePaths.routertop))" + (utc ? " --utc" : ""))
        defer { tmux.kill() }
        try await tmux.waitForScreen("the dashboard") { $0.contains("Replicas") }
        // A fault makes an event now.
        try tmux.press("u")
        let screen = try #require(try await tmux.waitForScreen("an event with a time of day") {
            Self.newestEventClock(in: $0) != nil && $0.contains("unavailable")
        })
        let shown = try #require(Self.newestEventClock(in: screen))
        let now = Int(Date().timeIntervalSince1970) % 86_400
        let expected = utc ? now : (now + Self.offset) % 86_400
        #expect(Self.apart(shown, expected) < 60, "shown \(shown) s after midnight, expected about \(expected)")
        #expect(screen.contains(#/ up \d+(s|m\d\ds)/#), "the header keeps the uptime")
    }
}
