import ArgumentParser
import Dashboard
import RouterEngine

/// The router's settings as command-line flags, named and explained by `RouterSettingKey`. Each is
/// kept as text so it is checked by the same validator as the environment variable it overrides.
struct SettingOptions: ParsableArguments {
    @Option(name: .customLong(RouterSettingKey.initialBackoff.flag), parsing: .unconditional, help: ArgumentHelp(RouterSettingKey.initialBackoff.flagHelp))
    var initialBackoff: String?

    @Option(name: .customLong(RouterSettingKey.backoffMultiplier.flag), parsing: .unconditional, help: ArgumentHelp(RouterSettingKey.backoffMultiplier.flagHelp))
    var backoffMultiplier: String?

    @Option(name: .customLong(RouterSettingKey.maxBackoff.flag), parsing: .unconditional, help: ArgumentHelp(RouterSettingKey.maxBackoff.flagHelp))
    var maxBackoff: String?

    @Option(name: .customLong(RouterSettingKey.probeDeadline.flag), parsing: .unconditional, help: ArgumentHelp(RouterSettingKey.probeDeadline.flagHelp))
    var probeDeadline: String?

    @Option(name: .customLong(RouterSettingKey.maxProbeDeadline.flag), parsing: .unconditional, help: ArgumentHelp(RouterSettingKey.maxProbeDeadline.flagHelp))
    var maxProbeDeadline: String?

    @Option(name: .customLong(RouterSettingKey.cacheTimeout.flag), parsing: .unconditional, help: ArgumentHelp(RouterSettingKey.cacheTimeout.flagHelp))
    var cacheTimeout: String?

    @Option(name: .customLong(RouterSettingKey.modelMatchingTimeout.flag), parsing: .unconditional, help: ArgumentHelp(RouterSettingKey.modelMatchingTimeout.flagHelp))
    var modelMatchingTimeout: String?

    /// The flags that were given, by setting.
    var texts: [RouterSettingKey: String] {
        let pairs: [(RouterSettingKey, String?)] = [
            (.initialBackoff, initialBackoff), (.backoffMultiplier, backoffMultiplier), (.maxBackoff, maxBackoff),
            (.probeDeadline, probeDeadline), (.maxProbeDeadline, maxProbeDeadline), (.cacheTimeout, cacheTimeout),
            (.modelMatchingTimeout, modelMatchingTimeout),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { key, text in text.map { (key, $0) } })
    }
}

/// The display's settings as command-line flags.
struct DisplayOptions: ParsableArguments {
    @Option(name: .customLong(DisplayStartup.refreshFlag), parsing: .unconditional, help: ArgumentHelp(
        "Dashboard refresh interval in milliseconds, \(DashboardRefresh.range.lowerBound) to \(DashboardRefresh.range.upperBound) "
            + "(\(DisplayStartup.refreshVariable), default \(DashboardRefresh.defaultMilliseconds))."))
    var refreshMilliseconds: String?

    @Option(name: .customLong("theme"), parsing: .unconditional, help: "Colour theme: a name in themes/ or a path (ROUTERTOP_THEME, default 'default').")
    var theme: String?

    @Flag(name: .customLong("readonly"), help: "Show everything and refuse every change (ROUTERTOP_READONLY=1).")
    var readOnly = false

    @Flag(help: "Draw bars, sparklines and borders in plain ASCII (automatic when the locale is not UTF-8).")
    var ascii = false

    @Flag(help: "Show the event log's times of day in UTC rather than the local time zone.")
    var utc = false

    /// The start-up configuration from the environment, these flags and the router's own flags; a
    /// bad value stops start-up with status 2 and one line naming it.
    func startup(router: [RouterSettingKey: String] = [:], environment: [String: String]) -> Startup {
        do {
            return try Startup.resolve(
                environment: environment, router: .init(router: router),
                display: .init(refreshMilliseconds: refreshMilliseconds, theme: theme, readOnly: readOnly)
            )
        } catch {
            failStartup(error.description)
        }
    }
}
