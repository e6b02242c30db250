/// Everything routertop reads at start: the router's settings and the display's.
///
/// Each setting comes from its flag if given, else from its environment variable, else its default.
public struct StartupConfiguration: Equatable, Sendable {
    public static let refreshVariable = "ROUTERTOP_REFRESH_MS"
    public static let refreshFlag = "refresh-ms"
    public static let refreshRange = 50...10_000
    public static let themeVariable = "ROUTERTOP_THEME"
    public static let themeFlag = "theme"

    public var router: RouterSettings
    public var refreshMilliseconds: Int
    public var theme: String

    public init(router: RouterSettings = .defaults, refreshMilliseconds: Int = 500, theme: String = "default") {
        self.router = router
        self.refreshMilliseconds = refreshMilliseconds
        self.theme = theme
    }

    /// Values typed on the command line, as text, so they are checked by the same rules as the
    /// environment.
    public struct Flags: Equatable, Sendable {
        public var router: [RouterSettingKey: String]
        public var refreshMilliseconds: String?
        public var theme: String?

        public init(router: [RouterSettingKey: String] = [:], refreshMilliseconds: String? = nil, theme: String? = nil) {
            self.router = router
            self.refreshMilliseconds = refreshMilliseconds
            self.theme = theme
        }
    }

    /// Resolves every setting; the first refused value is thrown, naming where it came from.
    public static func resolve(
        environment: [String: String], flags: Flags = Flags()
    ) throws(ConfigurationError) -> StartupConfiguration {
        var texts: [RouterSettingKey: String] = [:]
        var subjects: [RouterSettingKey: String] = [:]
        for key in RouterSettingKey.allCases {
            if let text = flags.router[key] {
                texts[key] = text
                subjects[key] = "--\(key.flag)"
            } else if let text = environment[key.environmentVariable] {
                texts[key] = text
                subjects[key] = key.environmentVariable
            }
        }
        let router = try SettingsValidator.settings(from: texts) { subjects[$0] ?? $0.environmentVariable }

        var refresh = 500
        if let text = flags.refreshMilliseconds {
            refresh = try refreshMilliseconds(text, subject: "--\(refreshFlag)")
        } else if let text = environment[refreshVariable] {
            refresh = try refreshMilliseconds(text, subject: refreshVariable)
        }

        let theme: String
        if let text = flags.theme {
            theme = try themeName(text, subject: "--\(themeFlag)")
        } else if let text = environment[themeVariable] {
            theme = try themeName(text, subject: themeVariable)
        } else {
            theme = "default"
        }
        return StartupConfiguration(router: router, refreshMilliseconds: refresh, theme: theme)
    }

    /// Checks a refresh interval in milliseconds.
    public static func refreshMilliseconds(_ text: String, subject: String) throws(ConfigurationError) -> Int {
        let allowed = "a whole number of milliseconds from \(refreshRange.lowerBound) to \(refreshRange.upperBound)"
        switch SettingText.integer(text) {
        case .failure(let problem):
            throw ConfigurationError(subject: subject, value: text, problem: problem.phrase, allowed: allowed)
        case .success(let value):
            guard refreshRange.contains(value) else {
                let problem = value < refreshRange.lowerBound ? "is too short" : "is too long"
                throw ConfigurationError(subject: subject, value: text, problem: problem, allowed: allowed)
            }
            return value
        }
    }

    private static func themeName(_ text: String, subject: String) throws(ConfigurationError) -> String {
        guard !text.isEmpty else {
            throw ConfigurationError(
                subject: subject, value: text, problem: "is empty",
                allowed: "the name of a theme in themes/ or a path to a theme file"
            )
        }
        return text
    }
}
