import ArgumentParser
import RouterEngine

/// The router's settings as command-line flags. Each is kept as text so it is checked by the same
/// validator as the environment variable it overrides.
struct SettingOptions: ParsableArguments {
    @Option(name: .customLong("initial-backoff-s"), parsing: .unconditional, help: "Initial retry backoff in seconds (RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S, default 0.025).")
    var initialBackoff: String?

    @Option(name: .customLong("backoff-multiplier"), parsing: .unconditional, help: "Retry backoff multiplier (RAY_SERVE_ROUTER_RETRY_BACKOFF_MULTIPLIER, default 2).")
    var backoffMultiplier: String?

    @Option(name: .customLong("max-backoff-s"), parsing: .unconditional, help: "Maximum retry backoff in seconds (RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S, default 0.5).")
    var maxBackoff: String?

    @Option(name: .customLong("probe-deadline-s"), parsing: .unconditional, help: "Queue-length probe deadline in seconds (RAY_SERVE_QUEUE_LENGTH_RESPONSE_DEADLINE_S, default 0.1).")
    var probeDeadline: String?

    @Option(name: .customLong("max-probe-deadline-s"), parsing: .unconditional, help: "Maximum probe deadline in seconds (RAY_SERVE_MAX_QUEUE_LENGTH_RESPONSE_DEADLINE_S, default 1).")
    var maxProbeDeadline: String?

    @Option(name: .customLong("cache-timeout-s"), parsing: .unconditional, help: "Queue-length cache TTL in seconds (RAY_SERVE_QUEUE_LENGTH_CACHE_TIMEOUT_S, default 10).")
    var cacheTimeout: String?

    @Option(name: .customLong("model-matching-timeout-s"), parsing: .unconditional, help: "How long a request for a model prefers replicas holding it, in seconds; each request draws between this and twice it (RAY_SERVE_MULTIPLEXED_MODEL_ID_MATCHING_TIMEOUT_S, default 1).")
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
    @Option(name: .customLong("refresh-ms"), parsing: .unconditional, help: "Dashboard refresh interval in milliseconds, 50 to 10000 (ROUTERTOP_REFRESH_MS, default 500).")
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
    func startup(router: [RouterSettingKey: String] = [:], environment: [String: String]) -> StartupConfiguration {
        do {
            return try StartupConfiguration.resolve(
                environment: environment,
                flags: .init(router: router, refreshMilliseconds: refreshMilliseconds, theme: theme, readOnly: readOnly)
            )
        } catch {
            failStartup(error.description)
        }
    }
}
