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
    ])
    func nanoseconds(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        #expect(duration.nanosecondsClamped == seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    @Test("past Int64's nanoseconds it saturates, in either direction")
    func saturates() {
        #expect(Duration.seconds(Int64.max / 1_000_000_000 + 1).nanosecondsClamped == .max)
        #expect(Duration.seconds(-(Int64.max / 1_000_000_000) - 2).nanosecondsClamped == .min)
        #expect((EngineTime(nanoseconds: .max - 5) + .seconds(1)).nanoseconds == .max)
    }
}
