#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RouterAPI

/// The time of day people read: `HH:MM:SS` in the local zone, or in UTC (`--utc`).
enum WallClock {
    /// `HH:MM:SS` of `time`, local or UTC.
    static func text(_ time: UTCTime, utc: Bool) -> String {
        var seconds = time_t(time.milliseconds.floorDividedBy1000)
        var parts = tm()
        if utc { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
        return Format.twoDigits(Int(parts.tm_hour)) + ":" + Format.twoDigits(Int(parts.tm_min)) + ":"
            + Format.twoDigits(Int(parts.tm_sec))
    }
}

private extension Int64 {
    /// Whole seconds of a millisecond count, rounded down also before 1970.
    var floorDividedBy1000: Int64 { self >= 0 ? self / 1000 : -((-self + 999) / 1000) }
}
