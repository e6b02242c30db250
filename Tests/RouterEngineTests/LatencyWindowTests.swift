import Testing
@testable import RouterEngine

/// The latency window on exact times: which records a summary covers as the periods turn.
@Suite("Latency window")
struct LatencyWindowTests {
    private static let second: Int64 = 1_000_000_000

    private static func at(_ nanoseconds: Int64) -> EngineTime { EngineTime(nanoseconds: nanoseconds) }

    @Test("a summary covers the current period and the one before; the period turns at its end exactly")
    func periodsTurn() {
        var window = LatencyWindow(period: .seconds(10))
        window.record(.milliseconds(1), at: Self.at(1 * Self.second))
        window.record(.milliseconds(2), at: Self.at(10 * Self.second - 1))
        #expect(window.summary(at: Self.at(10 * Self.second - 1)).count == 2)
        // At 10 s the first period ends: its records become the previous period's.
        window.record(.milliseconds(3), at: Self.at(10 * Self.second))
        #expect(window.summary(at: Self.at(10 * Self.second)).count == 3)
        // At 20 s the period that started at 10 s ends: the first one's records leave.
        #expect(window.summary(at: Self.at(20 * Self.second)).count == 1)
    }

    @Test(
        "two whole periods without a record empty the window; a nanosecond less keeps the last period",
        arguments: [(Int64(19_999_999_999), 2), (Int64(20_000_000_000), 0)]
    )
    func gapOfTwoPeriods(quietUntil: Int64, count: Int) {
        var window = LatencyWindow(period: .seconds(10))
        window.record(.milliseconds(1), at: Self.at(0))
        window.record(.milliseconds(1), at: Self.at(5 * Self.second))
        // The period started at 0; from 20 s on it is two periods old.
        #expect(window.summary(at: Self.at(quietUntil)).count == count)
    }
}
