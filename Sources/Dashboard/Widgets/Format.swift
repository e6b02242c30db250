import RouterAPI

/// Short, fixed-vocabulary text for numbers, durations and rates (no Foundation formatters:
/// these run for every visible cell of every frame).
enum Format {
    /// `1234`, `12.3k`, `1.23M`.
    static func count(_ value: Int) -> String {
        let magnitude = value.magnitude
        if magnitude < 100_000 { return String(value) }
        if magnitude < 10_000_000 { return decimal(Double(value) / 1_000, places: 1) + "k" }
        return decimal(Double(value) / 1_000_000, places: 1) + "M"
    }

    /// A duration in the unit that keeps it short: `0.4ms`, `25ms`, `1.25s`, `12m03s`, `2h05m`.
    static func duration(_ duration: Duration?, micro: String = "µs") -> String {
        guard let duration else { return "-" }
        return seconds(duration.secondsValue, micro: micro)
    }

    static func seconds(_ seconds: Double, micro: String = "µs") -> String {
        guard seconds.isFinite else { return "∞" }
        let value = max(seconds, 0)
        if value == 0 { return "0" }
        if value < 0.001 { return String(Int((value * 1e6).rounded())) + micro }
        if value < 0.01 { return decimal(value * 1000, places: 1) + "ms" }
        if value < 1 { return String(Int((value * 1000).rounded())) + "ms" }
        if value < 10 { return decimal(value, places: 2) + "s" }
        if value < 60 { return decimal(value, places: 1) + "s" }
        return clock(value)
    }

    /// `45s`, `12m03s`, `2h05m`: an uptime or age in whole seconds.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds < 1e12 else { return "∞" }
        let total = Int(max(seconds, 0))
        let hours = total / 3600, minutes = (total / 60) % 60, secs = total % 60
        if hours > 0 { return "\(hours)h" + twoDigits(minutes) + "m" }
        if minutes > 0 { return "\(minutes)m" + twoDigits(secs) + "s" }
        return "\(secs)s"
    }

    /// `01:02:03.4` since the engine started, for event log lines.
    static func timestamp(_ time: EngineTime) -> String {
        let tenths = Int(max(time.nanoseconds, 0) / 100_000_000)
        let total = tenths / 10
        let hours = total / 3600, minutes = (total / 60) % 60, secs = total % 60
        return twoDigits(hours) + ":" + twoDigits(minutes) + ":" + twoDigits(secs) + "." + String(tenths % 10)
    }

    /// `12.3/s`.
    static func rate(_ perSecond: Double) -> String {
        guard perSecond.isFinite else { return "-" }
        if perSecond >= 10_000 { return count(Int(perSecond.rounded())) + "/s" }
        if perSecond >= 100 { return String(Int(perSecond.rounded())) + "/s" }
        return decimal(perSecond, places: 1) + "/s"
    }

    /// Milliseconds for the editor's preview: `0`, `25`, `12.5`, `1500`.
    static func milliseconds(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "∞" }
        let ms = seconds * 1000
        if ms >= 1e9 { return count(Int(min(ms, 9e18))) }
        // Sums of binary fractions (0.025 + 0.05) land a hair off the whole number they mean.
        if abs(ms - ms.rounded()) < 1e-6 { return String(Int(ms.rounded())) }
        if ms >= 100 { return String(Int(ms.rounded())) }
        return decimal(ms, places: ms < 1 ? 2 : 1)
    }

    /// A setting value as operators type it.
    static func setting(_ value: Double) -> String { SettingText.format(value) }

    /// A fixed number of decimal places without Foundation.
    static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return value < 0 ? "-∞" : "∞" }
        let whole = Int(scaled)
        let factor = Int(scale)
        let sign = value < 0 && whole != 0 ? "-" : ""
        if places == 0 { return sign + String(whole) }
        var fraction = String(whole % factor)
        while fraction.count < places { fraction = "0" + fraction }
        return sign + String(whole / factor) + "." + fraction
    }

    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0" + String(value) : String(value)
    }
}
