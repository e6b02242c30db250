/// One of the router's settings, with the names operators know it by: the one table that the
/// command line, the environment, the files, the API, the report and the editor all read.
public enum RouterSettingKey: String, CaseIterable, Sendable, Codable {
    case initialBackoff
    case backoffMultiplier
    case maxBackoff
    case probeDeadline
    case maxProbeDeadline
    case cacheTimeout
    case modelMatchingTimeout

    /// Ray Serve's environment variable for this setting.
    public var environmentVariable: String {
        switch self {
        case .initialBackoff: "RAY_SERVE_ROUTER_RETRY_INITIAL_BACKOFF_S"
        case .backoffMultiplier: "RAY_SERVE_ROUTER_RETRY_BACKOFF_MULTIPLIER"
        case .maxBackoff: "RAY_SERVE_ROUTER_RETRY_MAX_BACKOFF_S"
        case .probeDeadline: "RAY_SERVE_QUEUE_LENGTH_RESPONSE_DEADLINE_S"
        case .maxProbeDeadline: "RAY_SERVE_MAX_QUEUE_LENGTH_RESPONSE_DEADLINE_S"
        case .cacheTimeout: "RAY_SERVE_QUEUE_LENGTH_CACHE_TIMEOUT_S"
        case .modelMatchingTimeout: "RAY_SERVE_MULTIPLEXED_MODEL_ID_MATCHING_TIMEOUT_S"
        }
    }

    /// The command-line flag, without the leading dashes.
    public var flag: String {
        switch self {
        case .initialBackoff: "initial-backoff-s"
        case .backoffMultiplier: "backoff-multiplier"
        case .maxBackoff: "max-backoff-s"
        case .probeDeadline: "probe-deadline-s"
        case .maxProbeDeadline: "max-probe-deadline-s"
        case .cacheTimeout: "cache-timeout-s"
        case .modelMatchingTimeout: "model-matching-timeout-s"
        }
    }

    /// The key in a scenario or config file's `[router]` table.
    public var fileKey: String {
        switch self {
        case .initialBackoff: "initial_backoff_s"
        case .backoffMultiplier: "backoff_multiplier"
        case .maxBackoff: "max_backoff_s"
        case .probeDeadline: "probe_deadline_s"
        case .maxProbeDeadline: "max_probe_deadline_s"
        case .cacheTimeout: "cache_timeout_s"
        case .modelMatchingTimeout: "model_matching_timeout_s"
        }
    }

    /// A short human label, as the dashboard's editor shows it.
    public var label: String {
        switch self {
        case .initialBackoff: "initial backoff (s)"
        case .backoffMultiplier: "backoff multiplier"
        case .maxBackoff: "max backoff (s)"
        case .probeDeadline: "probe deadline (s)"
        case .maxProbeDeadline: "max probe deadline (s)"
        case .cacheTimeout: "cache TTL (s)"
        case .modelMatchingTimeout: "model match timeout (s)"
        }
    }

    /// What the setting does, as the command line's help says it.
    public var meaning: String {
        switch self {
        case .initialBackoff: "Initial retry backoff in seconds"
        case .backoffMultiplier: "Retry backoff multiplier"
        case .maxBackoff: "Maximum retry backoff in seconds"
        case .probeDeadline: "Queue-length probe deadline in seconds"
        case .maxProbeDeadline: "Maximum probe deadline in seconds"
        case .cacheTimeout: "Queue-length cache TTL in seconds"
        case .modelMatchingTimeout:
            "How long a request for a model prefers replicas holding it, in seconds; each request draws between this and twice it"
        }
    }

    /// The value a router starts with when nothing sets it (Ray Serve's default).
    public var defaultValue: Double {
        switch self {
        case .initialBackoff: 0.025
        case .backoffMultiplier: 2
        case .maxBackoff: 0.5
        case .probeDeadline: 0.1
        case .maxProbeDeadline: 1.0
        case .cacheTimeout: 10.0
        case .modelMatchingTimeout: 1.0
        }
    }

    /// The command line's help for the flag: meaning, environment variable and default.
    public var flagHelp: String {
        "\(meaning) (\(environmentVariable), default \(SettingText.format(defaultValue)))."
    }

    /// What values are allowed, in words.
    public var allowed: String {
        switch self {
        case .initialBackoff, .cacheTimeout, .modelMatchingTimeout: "a finite number ≥ 0"
        case .backoffMultiplier: "a finite number ≥ 1"
        case .maxBackoff: "a finite number ≥ the initial backoff"
        case .probeDeadline, .maxProbeDeadline: "a finite number > 0"
        }
    }
}
