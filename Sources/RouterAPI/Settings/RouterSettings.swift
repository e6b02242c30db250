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
        initialBackoff: Double = RouterSettingKey.initialBackoff.defaultValue,
        backoffMultiplier: Double = RouterSettingKey.backoffMultiplier.defaultValue,
        maxBackoff: Double = RouterSettingKey.maxBackoff.defaultValue,
        probeDeadline: Double = RouterSettingKey.probeDeadline.defaultValue,
        maxProbeDeadline: Double = RouterSettingKey.maxProbeDeadline.defaultValue,
        cacheTimeout: Double = RouterSettingKey.cacheTimeout.defaultValue,
        modelMatchingTimeout: Double = RouterSettingKey.modelMatchingTimeout.defaultValue
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

    /// In JSON the settings carry the scenario file's keys (`RouterSettingKey.fileKey`), so an
    /// operator writes one name everywhere.
    private struct FileKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ key: RouterSettingKey) { stringValue = key.fileKey }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A document written before the model matching timeout existed still reads: the timeout
    /// takes its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FileKey.self)
        self.init()
        for key in RouterSettingKey.allCases {
            if key == .modelMatchingTimeout {
                self[key] = try container.decodeIfPresent(Double.self, forKey: FileKey(key)) ?? key.defaultValue
            } else {
                self[key] = try container.decode(Double.self, forKey: FileKey(key))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FileKey.self)
        for key in RouterSettingKey.allCases {
            try container.encode(self[key], forKey: FileKey(key))
        }
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
