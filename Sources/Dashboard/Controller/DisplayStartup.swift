import RouterAPI

/// The display's settings read at start: refresh interval, theme and read-only.
///
/// Each comes from its flag if given, else from its environment variable, else its default.
public struct DisplayStartup: Equatable, Sendable {
    public static let refreshVariable = "ROUTERTOP_REFRESH_MS"
    public static let refreshFlag = "refresh-ms"
    public static let refreshRange = DashboardRefresh.range
    public static let themeVariable = "ROUTERTOP_THEME"
    public static let themeFlag = "theme"
    public static let readOnlyVariable = "ROUTERTOP_READONLY"

    public var refreshMilliseconds: Int
    public var theme: String
    /// Shows everything and refuses every change.
    public var readOnly: Bool

    public init(refreshMilliseconds: Int = DashboardRefresh.defaultMilliseconds, theme: String = "default", readOnly: Bool = false) {
        self.refreshMilliseconds = refreshMilliseconds
        self.theme = theme
        self.readOnly = readOnly
    }

    /// Values typed on the command line, as text, so they are checked by the same rules as the
    /// environment.
    public struct Flags: Equatable, Sendable {
        public var refreshMilliseconds: String?
        public var theme: String?
        /// `--readonly` was given.
        public var readOnly: Bool

        public init(refreshMilliseconds: String? = nil, theme: String? = nil, readOnly: Bool = false) {
            self.refreshMilliseconds = refreshMilliseconds
            self.theme = theme
            self.readOnly = readOnly
        }
    }

    /// Resolves every display setting; the first refused value is thrown, naming where it came from.
    public static func resolve(
        environment: [String: String], flags: Flags = Flags()
    ) throws(ConfigurationError) -> DisplayStartup {
        var refresh = DashboardRefresh.defaultMilliseconds
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
        var readOnly = flags.readOnly
        if !readOnly, let text = environment[readOnlyVariable] {
            readOnly = try switchValue(text, subject: readOnlyVariable)
        }
        return DisplayStartup(refreshMilliseconds: refresh, theme: theme, readOnly: readOnly)
    }

    /// Reads an on/off variable: 1, true, yes or on; 0, false, no or off.
    public static func switchValue(_ text: String, subject: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            throw ConfigurationError(
                subject: subject, value: text, problem: text.isEmpty ? "is empty" : "is not a switch",
                allowed: "1, true, yes or on (or 0, false, no or off)"
            )
        }
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
