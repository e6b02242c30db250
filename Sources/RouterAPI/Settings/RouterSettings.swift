/// The router's tunable parameters: retry backoff, probe deadlines and the queue-length cache.
///
/// All times are in seconds, as in Ray Serve's environment variables. A value of this type is
/// not necessarily valid: `SettingsValidator.validate(_:)` says whether it is.
public struct RouterSettings: Equatable, Hashable, Sendable, Codable {
    public var initialBackoff: Double
    public var backoffMultiplier: Double
    public var maxBackoff: Double
    public var probeDeadline: Double
    public var maxProbeDeadline: Double
    public var cacheTimeout: Double

    public init(
        initialBackoff: Double = 0.025,
        backoffMultiplier: Double = 2,
        maxBackoff: Double = 0.5,
        probeDeadline: Double = 0.1,
        maxProbeDeadline: Double = 1.0,
        cacheTimeout: Double = 10.0
    ) {
        self.initialBackoff = initialBackoff
        self.backoffMultiplier = backoffMultiplier
        self.maxBackoff = maxBackoff
        self.probeDeadline = probeDeadline
        self.maxProbeDeadline = maxProbeDeadline
        self.cacheTimeout = cacheTimeout
    }

    public static let defaults = RouterSettings()

    /// In JSON the settings carry the scenario file's keys, so an operator writes one name everywhere.
    enum CodingKeys: String, CodingKey {
        case initialBackoff = "initial_backoff_s"
        case backoffMultiplier = "backoff_multiplier"
        case maxBackoff = "max_backoff_s"
        case probeDeadline = "probe_deadline_s"
        case maxProbeDeadline = "max_probe_deadline_s"
        case cacheTimeout = "cache_timeout_s"
    }

    /// The value of one setting, by key.
    public subscript(key: RouterSettingKey) -> Double {
        get {
            switch key {
            case .initialBackoff: initialBackoff
            case .backoffMultiplier: backoffMultiplier
            case .maxBackoff: maxBackoff
            case .probeDeadline: probeDeadline
            case .maxProbeDeadline: maxProbeDeadline
            case .cacheTimeout: cacheTimeout
            }
        }
        set {
            switch key {
            case .initialBackoff: initialBackoff = newValue
            case .backoffMultiplier: backoffMultiplier = newValue
            case .maxBackoff: maxBackoff = newValue
            case .probeDeadline: probeDeadline = newValue
            case .maxProbeDeadline: maxProbeDeadline = newValue
            case .cacheTimeout: cacheTimeout = newValue
            }
        }
    }

    /// The retry backoff these settings describe.
    public func backoffPolicy(legacy: Bool = false) -> BackoffPolicy {
        BackoffPolicy(initial: initialBackoff, multiplier: backoffMultiplier, maximum: maxBackoff, legacy: legacy)
    }

    /// Environment lines (`NAME=value`) that reproduce these settings at the next start.
    public var environmentLines: [String] {
        RouterSettingKey.allCases.map { "\($0.environmentVariable)=\(SettingText.format(self[$0]))" }
    }
}
