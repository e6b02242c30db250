/// A moment on the engine's timeline: nanoseconds since the engine started.
///
/// The timeline is virtual in tests and scenarios and follows a real clock in production;
/// the engine never reads a wall clock itself.
public struct EngineTime: Comparable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public static let zero = EngineTime(nanoseconds: 0)

    public static func seconds(_ seconds: Double) -> EngineTime {
        EngineTime(nanoseconds: Duration.clampedSeconds(seconds).nanosecondsClamped)
    }

    public var seconds: Double { Double(nanoseconds) / 1e9 }

    public static func < (lhs: EngineTime, rhs: EngineTime) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: EngineTime, rhs: Duration) -> EngineTime {
        lhs.advanced(byNanoseconds: rhs.nanosecondsClamped)
    }

    /// This moment moved by `nanoseconds` (back when negative), saturating at the timeline's ends.
    /// For a span the caller converted once: converting a `Duration` of ten seconds or more takes
    /// a 128-bit division (`nanosecondsClamped`).
    public func advanced(byNanoseconds nanoseconds: Int64) -> EngineTime {
        let (sum, overflow) = self.nanoseconds.addingReportingOverflow(nanoseconds)
        return EngineTime(nanoseconds: overflow ? (nanoseconds > 0 ? .max : .min) : sum)
    }

    public static func - (lhs: EngineTime, rhs: EngineTime) -> Duration {
        .nanoseconds(lhs.nanoseconds &- rhs.nanoseconds)
    }

    public var description: String { "\(seconds)s" }
}

extension Duration {
    /// The duration in whole nanoseconds (rounded toward zero), saturating at the limits of `Int64`.
    ///
    /// From the attoseconds in one division: `components` costs three times as much, and the engine
    /// converts a dozen durations for every request. Under about 9.2 s the attoseconds fit in 64
    /// bits, and that division costs a tenth of the 128-bit one.
    public var nanosecondsClamped: Int64 {
        let attoseconds = self.attoseconds
        if let short = Int64(exactly: attoseconds) { return short / 1_000_000_000 }
        return Int64(clamping: attoseconds / 1_000_000_000)
    }

    /// The duration in seconds as a floating-point number.
    public var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in milliseconds as a floating-point number.
    public var millisecondsValue: Double { secondsValue * 1000 }
}
