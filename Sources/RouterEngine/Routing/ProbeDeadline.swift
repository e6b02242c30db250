/// The response deadline of a queue-length probe made during attempt `i` (counting from 0):
/// `min(base × 2^i, maximum)`, and never below `base`.
public enum ProbeDeadline {
    public static func seconds(attempt index: Int, base: Double, maximum: Double) -> Double {
        // 2^i overflows nothing here: past 2^62 the result is far beyond any maximum anyway.
        let doubled = base * Double(sign: .plus, exponent: Swift.min(Swift.max(index, 0), 62), significand: 1)
        return Swift.max(Swift.min(doubled, maximum), base)
    }

    public static func duration(attempt index: Int, settings: RouterSettings) -> Duration {
        .clampedSeconds(seconds(attempt: index, base: settings.probeDeadline, maximum: settings.maxProbeDeadline))
    }
}
