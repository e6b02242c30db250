@testable import Dashboard
import Testing

@Suite("Short figures")
struct FormatTests {
    @Test("durations keep to a few characters", arguments: [
        (0.0, "0"), (0.0004, "400µs"), (0.0012, "1.2ms"), (0.025, "25ms"), (1.25, "1.25s"), (12.34, "12.3s"),
        (125.0, "2m05s"), (7500.0, "2h05m"), (Double.infinity, "∞"),
    ])
    func durations(seconds: Double, text: String) {
        #expect(Format.seconds(seconds) == text)
    }

    @Test("counts and rates", arguments: [(42, "42"), (99_999, "99999"), (123_456, "123.5k"), (12_345_678, "12.3M"), (Int.min, "-9223372036854.8M")])
    func counts(value: Int, text: String) {
        #expect(Format.count(value) == text)
    }

    @Test("preview milliseconds are whole when the value is")
    func milliseconds() {
        #expect(Format.milliseconds(0.025 + 0.05) == "75")
        #expect(Format.milliseconds(0.0125) == "12.5")
        #expect(Format.rate(12.34) == "12.3/s")
        #expect(Format.rate(320.4) == "320/s")
    }

    @Test("ASCII spelling of what an ASCII terminal cannot show")
    func asciiOnly() {
        #expect(Glyphs.asciiOnly("0.025 → 0.01 × 2 … ≥ 1µs ∞ ☃") == "0.025 -> 0.01 x 2 ... >= 1us inf ?")
    }
}
