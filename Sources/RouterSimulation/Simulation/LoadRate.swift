import RouterEngine

/// The one rule for a simulated fleet's offered load, used by scenario files and by live changes
/// from the dashboard, so both refuse the same rates with the same words.
///
/// Above a million requests a second the gap between arrivals is under a microsecond, so close to
/// the engine's nanosecond clock that a faster constant load would round to no gap and virtual time
/// would stop.
public enum LoadRate {
    /// The highest rate a simulated load may offer, in requests per second.
    public static let maximumRequestsPerSecond: Double = 1_000_000

    /// Why `rate` cannot be offered, or nil when it can.
    public static func problem(_ rate: Double) -> String? {
        guard rate.isFinite, rate >= 0, rate <= maximumRequestsPerSecond else {
            return "load \(SettingText.format(rate)) req/s is out of range; it must be from 0 to "
                + "\(SettingText.format(maximumRequestsPerSecond)) req/s"
        }
        return nil
    }
}
