import RouterAPI
import Testing

@Suite("durations in nanoseconds")
struct DurationNanosecondsTests {
    @Test("whole nanoseconds, rounded toward zero, as seconds and attoseconds give them", arguments: [
        Duration.zero, .nanoseconds(1), .nanoseconds(-1), .milliseconds(1500), .seconds(-2.5),
        .seconds(86_400 * 365), Duration(secondsComponent: 3, attosecondsComponent: 999_999_999),
        Duration(secondsComponent: -3, attosecondsComponent: -1_999_999_999),
        // Either side of where the attoseconds stop fitting in 64 bits (2^63 as = 9.223372036854775808 s).
        Duration(secondsComponent: 9, attosecondsComponent: 223_372_036_854_775_807),
        Duration(secondsComponent: 9, attosecondsComponent: 223_372_036_854_775_808),
        Duration(secondsComponent: -9, attosecondsComponent: -223_372_036_854_775_808),
        Duration(secondsComponent: -9, attosecondsComponent: -223_372_036_854_775_809),
        // Minutes, with a fraction of a nanosecond that must round toward zero.
        Duration(secondsComponent: 300, attosecondsComponent: 1_999_999_999),
        Duration(secondsComponent: -300, attosecondsComponent: -1_999_999_999),
        // Exactly Int64's limits in nanoseconds.
        Duration(secondsComponent: 9_223_372_036, attosecondsComponent: 854_775_807_999_999_999),
        Duration(secondsComponent: -9_223_372_036, attosecondsComponent: -854_775_808_000_000_000),
    ])
    func nanoseconds(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        #expect(duration.nanosecondsClamped == seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    @Test("past Int64's nanoseconds it saturates, in either direction")
    func saturates() {
        #expect(Duration.seconds(Int64.max / 1_000_000_000 + 1).nanosecondsClamped == .max)
        #expect(Duration.seconds(-(Int64.max / 1_000_000_000) - 2).nanosecondsClamped == .min)
        #expect(Duration(secondsComponent: 9_223_372_036, attosecondsComponent: 854_775_808_000_000_000).nanosecondsClamped == .max)
        #expect(Duration(secondsComponent: -9_223_372_036, attosecondsComponent: -854_775_809_000_000_000).nanosecondsClamped == .min)
        #expect(Duration(secondsComponent: .max, attosecondsComponent: 0).nanosecondsClamped == .max)
        #expect(Duration(secondsComponent: .min, attosecondsComponent: 0).nanosecondsClamped == .min)
        #expect((EngineTime(nanoseconds: .max - 5) + .seconds(1)).nanoseconds == .max)
        #expect(EngineTime(nanoseconds: .max - 5).advanced(byNanoseconds: 6).nanoseconds == .max)
        #expect(EngineTime(nanoseconds: .min + 5).advanced(byNanoseconds: -6).nanoseconds == .min)
        #expect(EngineTime(nanoseconds: 60_000_000_000).advanced(byNanoseconds: -60_000_000_001).nanoseconds == -1)
    }

    @Test("equal to Int128's division, clamped, over every magnitude of attoseconds")
    func equalsTheWideDivision() {
        // Up to 2^122 as: Duration holds whole seconds in Int64 (about 2^123 as). At each width,
        // every bit set, the top bit alone, and alternating bits, either side of zero.
        for bits in 1...122 {
            let ones = (Int128(1) << bits) - 1
            for magnitude in [ones, Int128(1) << (bits - 1), ones / 3, ones / 3 * 2] where magnitude > 0 {
                for wide in [magnitude, -magnitude] {
                    let duration = Duration(secondsComponent: Int64(wide / 1_000_000_000_000_000_000),
                                            attosecondsComponent: Int64(wide % 1_000_000_000_000_000_000))
                    #expect(duration.nanosecondsClamped == Int64(clamping: wide / 1_000_000_000), "\(wide) as")
                }
            }
        }
    }
}
