/// How long a routing task waits after a failed attempt before the next one.
///
/// The first retry is immediate; backoff starts at the second:
/// `wait(1) = 0`, `wait(k) = min(initial × multiplier^(k−2), max)` for `k ≥ 2`.
/// The legacy policy, kept only for side-by-side measurement, also sleeps before the first retry:
/// `wait(k) = min(initial × multiplier^(k−1), max)`.
/// From the second failed attempt on, a zero wait is taken as `spinFloor`, so a full fleet cannot
/// spin the loop without time passing; every reader of the sequence (router, editor, reports) sees it.
public struct BackoffPolicy: Equatable, Sendable, Codable {
    public var initial: Double
    public var multiplier: Double
    public var maximum: Double
    public var legacy: Bool

    /// The shortest wait after failed attempt 2 and later, in seconds.
    public static let spinFloorSeconds = 0.001

    public init(initial: Double, multiplier: Double, maximum: Double, legacy: Bool = false) {
        self.initial = initial
        self.multiplier = multiplier
        self.maximum = maximum
        self.legacy = legacy
    }

    /// The wait in seconds after failed attempt `k` (k = 1, 2, 3, …).
    public func waitSeconds(afterFailedAttempt k: Int) -> Double {
        precondition(k >= 1, "attempts are counted from 1")
        let exponent = legacy ? k - 1 : k - 2
        if exponent < 0 { return 0 }
        // pow saturates to +infinity instead of overflowing, and min() then picks the maximum.
        let grown = initial * Double.pow(multiplier, exponent)
        let wait = Swift.min(grown.isNaN ? maximum : grown, maximum)
        return k >= 2 && !(wait > 0) ? Self.spinFloorSeconds : wait
    }

    /// The wait after failed attempt `k`, as a duration.
    public func wait(afterFailedAttempt k: Int) -> Duration {
        .clampedSeconds(waitSeconds(afterFailedAttempt: k))
    }

    /// The waits after failed attempts 1 through `count`.
    public func waits(count: Int) -> [Duration] {
        (1...Swift.max(count, 1)).prefix(count).map { wait(afterFailedAttempt: $0) }
    }
}

extension Double {
    fileprivate static func pow(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        var factor = base
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result *= factor }
            remaining >>= 1
            if remaining > 0 { factor *= factor }
            if result.isInfinite { return result }
        }
        return result
    }
}

extension Duration {
    /// A duration of `seconds`, saturating instead of trapping for values beyond `Int64` nanoseconds.
    public static func clampedSeconds(_ seconds: Double) -> Duration {
        guard seconds.isFinite else { return seconds > 0 ? .nanoseconds(Int64.max) : .zero }
        let nanos = seconds * 1e9
        if nanos >= 9.2e18 { return .nanoseconds(Int64.max) }
        if nanos <= -9.2e18 { return .nanoseconds(Int64.min) }
        return .nanoseconds(Int64(nanos.rounded()))
    }
}
