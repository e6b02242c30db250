/// The one place where settings are checked. Environment, flags, files, the dashboard editor and
/// the admin API all call it, so an operator sees the same rule and message everywhere.
public enum SettingsValidator {
    /// The longest duration a setting may hold, in seconds (about 31.7 years): the engine counts
    /// time in 64-bit nanoseconds, and a duration must add to a router's time without overflowing.
    public static let maxDurationSeconds = 1e9

    /// Parses and checks one setting typed as text.
    ///
    /// - Parameters:
    ///   - text: what the operator typed.
    ///   - key: which setting it is for.
    ///   - subject: the name the operator typed it under (variable, flag, file key or field label).
    public static func value(
        _ text: String, for key: RouterSettingKey, subject: String
    ) throws(ConfigurationError) -> Double {
        switch SettingText.number(text) {
        case .failure(let problem):
            throw ConfigurationError(subject: subject, value: text, problem: problem.phrase, allowed: key.allowed)
        case .success(let value):
            try check(value, for: key, subject: subject, text: text)
            return value
        }
    }

    /// Checks one setting given as a number (from a TOML file or an API).
    public static func value(
        _ number: Double, for key: RouterSettingKey, subject: String
    ) throws(ConfigurationError) -> Double {
        try check(number, for: key, subject: subject, text: SettingText.format(number))
        return number
    }

    /// Checks a whole set of settings, including the rules that relate two of them.
    ///
    /// - Parameter subject: names each setting in the message (defaults to the environment variable).
    public static func validate(
        _ settings: RouterSettings,
        subject: (RouterSettingKey) -> String = { $0.environmentVariable }
    ) throws(ConfigurationError) {
        for key in RouterSettingKey.allCases {
            let value = settings[key]
            try check(value, for: key, subject: subject(key), text: SettingText.format(value))
        }
        if settings.maxBackoff < settings.initialBackoff {
            throw ConfigurationError(
                subject: subject(.maxBackoff),
                value: SettingText.format(settings.maxBackoff),
                problem: "is below the initial backoff \(SettingText.format(settings.initialBackoff))",
                allowed: "at least the initial backoff"
            )
        }
    }

    /// Builds settings from texts typed for some keys, over `base` for the rest, and validates
    /// the result as a whole.
    public static func settings(
        from texts: [RouterSettingKey: String],
        over base: RouterSettings = .defaults,
        subject: (RouterSettingKey) -> String = { $0.environmentVariable }
    ) throws(ConfigurationError) -> RouterSettings {
        var settings = base
        for key in RouterSettingKey.allCases {
            guard let text = texts[key] else { continue }
            settings[key] = try value(text, for: key, subject: subject(key))
        }
        try validate(settings, subject: subject)
        return settings
    }

    private static func check(
        _ value: Double, for key: RouterSettingKey, subject: String, text: String
    ) throws(ConfigurationError) {
        func refuse(_ problem: String) -> ConfigurationError {
            ConfigurationError(subject: subject, value: text, problem: problem, allowed: key.allowed)
        }
        guard value.isFinite else { throw refuse("is not finite") }
        switch key {
        case .initialBackoff, .maxBackoff, .cacheTimeout, .modelMatchingTimeout:
            if value < 0 { throw refuse("is negative") }
        case .backoffMultiplier:
            if value < 1 { throw refuse("is below 1") }
        case .probeDeadline, .maxProbeDeadline:
            if value <= 0 { throw refuse(value < 0 ? "is negative" : "is zero") }
        }
        if key != .backoffMultiplier, value > maxDurationSeconds {
            throw refuse("is over \(SettingText.format(maxDurationSeconds)) s, the longest duration the engine's "
                + "nanosecond clock (64 bits, about 292 years) takes with room to add it to the time")
        }
    }
}
