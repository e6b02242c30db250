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
    /// How long a request for a model prefers the replicas holding it (drawn between this and twice it).
    public var modelMatchingTimeout: Double

    public init(
        initialBackoff: Double = 0.025,
        backoffMultiplier: Double = 2,
        maxBackoff: Double = 0.5,
        probeDeadline: Double = 0.1,
        maxProbeDeadline: Double = 1.0,
        cacheTimeout: Double = 10.0,
        modelMatchingTimeout: Double = 1.0
    ) {
        self.initialBackoff = initialBackoff
        self.backoffMultiplier = backoffMultiplier
        self.maxBackoff = maxBackoff
        self.probeDeadline = probeDeadline
        self.maxProbeDeadline = maxProbeDeadline
        self.cacheTimeout = cacheTimeout
        self.modelMatchingTimeout = modelMatchingTimeout
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
        case modelMatchingTimeout = "model_matching_timeout_s"
    }

    /// A document written before the model matching timeout existed still reads: the timeout
    /// takes its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            initialBackoff: try container.decode(Double.self, forKey: .initialBackoff),
            backoffMultiplier: try container.decode(Double.self, forKey: .backoffMultiplier),
            maxBackoff: try container.decode(Double.self, forKey: .maxBackoff),
            probeDeadline: try container.decode(Double.self, forKey: .probeDeadline),
            maxProbeDeadline: try container.decode(Double.self, forKey: .maxProbeDeadline),
            cacheTimeout: try container.decode(Double.self, forKey: .cacheTimeout),
            modelMatchingTimeout: try container.decodeIfPresent(Double.self, forKey: .modelMatchingTimeout)
                ?? RouterSettings.defaults.modelMatchingTimeout
        )
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
            case .modelMatchingTimeout: modelMatchingTimeout
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
            case .modelMatchingTimeout: modelMatchingTimeout = newValue
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
