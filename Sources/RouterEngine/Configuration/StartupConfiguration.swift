/// What the engine reads at start: the router's settings.
///
/// Each setting comes from its flag if given, else from its environment variable, else its default.
public struct StartupConfiguration: Equatable, Sendable {
    public var router: RouterSettings

    public init(router: RouterSettings = .defaults) {
        self.router = router
    }

    /// Values typed on the command line, as text, so they are checked by the same rules as the
    /// environment.
    public struct Flags: Equatable, Sendable {
        public var router: [RouterSettingKey: String]

        public init(router: [RouterSettingKey: String] = [:]) {
            self.router = router
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
        return StartupConfiguration(router: router)
    }
}
