import Foundation

/// What a replay of the recording predicts under one set of settings.
public struct WhatIfFigures: Equatable, Sendable, Codable {
    public var fulfillmentP50Ms: Double
    public var fulfillmentP99Ms: Double
    public var failedAttempts: Int
    public var backoffSleeps: Int
    public var routingTimeouts: Int
    /// Requests replayed, and how many of them got a replica.
    public var requests: Int
    public var fulfilled: Int

    public init(fulfillmentP50Ms: Double, fulfillmentP99Ms: Double, failedAttempts: Int, backoffSleeps: Int,
                routingTimeouts: Int, requests: Int, fulfilled: Int) {
        self.fulfillmentP50Ms = fulfillmentP50Ms
        self.fulfillmentP99Ms = fulfillmentP99Ms
        self.failedAttempts = failedAttempts
        self.backoffSleeps = backoffSleeps
        self.routingTimeouts = routingTimeouts
        self.requests = requests
        self.fulfilled = fulfilled
    }

    enum CodingKeys: String, CodingKey {
        case requests, fulfilled
        case fulfillmentP50Ms = "fulfillment_p50_ms"
        case fulfillmentP99Ms = "fulfillment_p99_ms"
        case failedAttempts = "failed_attempts"
        case backoffSleeps = "backoff_sleeps"
        case routingTimeouts = "routing_timeouts"
    }
}

/// `POST /v1/whatif`: the recorded traffic replayed under the live settings and under the edited ones.
public struct WhatIfReply: Equatable, Sendable, Codable {
    /// The recording's span (engine seconds) that was replayed.
    public var startS: Double
    public var endS: Double
    public var liveSettings: RouterSettings
    public var editedSettings: RouterSettings
    public var live: WhatIfFigures
    public var edited: WhatIfFigures
    /// How long the two replays took, in milliseconds of wall time.
    public var elapsedMs: Double

    public init(startS: Double, endS: Double, liveSettings: RouterSettings, editedSettings: RouterSettings,
                live: WhatIfFigures, edited: WhatIfFigures, elapsedMs: Double) {
        self.startS = startS
        self.endS = endS
        self.liveSettings = liveSettings
        self.editedSettings = editedSettings
        self.live = live
        self.edited = edited
        self.elapsedMs = elapsedMs
    }

    enum CodingKeys: String, CodingKey {
        case live, edited
        case startS = "start_s"
        case endS = "end_s"
        case liveSettings = "live_settings"
        case editedSettings = "edited_settings"
        case elapsedMs = "elapsed_ms"
    }
}

/// The ranges `POST /v1/suggest` searches, each optional (the body's `*_min` / `*_max` fields).
public struct SuggestBounds: Equatable, Sendable, Codable {
    public var initialBackoff: ClosedRange<Double>
    public var backoffMultiplier: ClosedRange<Double>
    public var maxBackoff: ClosedRange<Double>

    public static let defaults = SuggestBounds(
        initialBackoff: 0...0.2, backoffMultiplier: 1...4, maxBackoff: 0.01...2
    )

    public init(initialBackoff: ClosedRange<Double>, backoffMultiplier: ClosedRange<Double>, maxBackoff: ClosedRange<Double>) {
        self.initialBackoff = initialBackoff
        self.backoffMultiplier = backoffMultiplier
        self.maxBackoff = maxBackoff
    }

    /// The body's field names, in the order a problem names them.
    public static let fields = [
        "initial_backoff_s_min", "initial_backoff_s_max", "backoff_multiplier_min", "backoff_multiplier_max",
        "max_backoff_s_min", "max_backoff_s_max",
    ]

    enum CodingKeys: String, CodingKey {
        case initialBackoffMin = "initial_backoff_s_min"
        case initialBackoffMax = "initial_backoff_s_max"
        case multiplierMin = "backoff_multiplier_min"
        case multiplierMax = "backoff_multiplier_max"
        case maxBackoffMin = "max_backoff_s_min"
        case maxBackoffMax = "max_backoff_s_max"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            initialBackoff: try container.decode(Double.self, forKey: .initialBackoffMin)
                ... container.decode(Double.self, forKey: .initialBackoffMax),
            backoffMultiplier: try container.decode(Double.self, forKey: .multiplierMin)
                ... container.decode(Double.self, forKey: .multiplierMax),
            maxBackoff: try container.decode(Double.self, forKey: .maxBackoffMin)
                ... container.decode(Double.self, forKey: .maxBackoffMax)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(initialBackoff.lowerBound, forKey: .initialBackoffMin)
        try container.encode(initialBackoff.upperBound, forKey: .initialBackoffMax)
        try container.encode(backoffMultiplier.lowerBound, forKey: .multiplierMin)
        try container.encode(backoffMultiplier.upperBound, forKey: .multiplierMax)
        try container.encode(maxBackoff.lowerBound, forKey: .maxBackoffMin)
        try container.encode(maxBackoff.upperBound, forKey: .maxBackoffMax)
    }
}

/// `POST /v1/suggest`: the best backoff settings found, lowest predicted p99 first, none with more
/// routing timeouts than the live settings. Nothing is applied.
public struct SuggestReply: Equatable, Sendable, Codable {
    public var bounds: SuggestBounds
    public var live: WhatIfFigures
    public var suggestions: [Suggestion]
    /// Settings replayed, and how long the search took (wall time).
    public var evaluated: Int
    public var elapsedMs: Double

    public init(bounds: SuggestBounds, live: WhatIfFigures, suggestions: [Suggestion], evaluated: Int, elapsedMs: Double) {
        self.bounds = bounds
        self.live = live
        self.suggestions = suggestions
        self.evaluated = evaluated
        self.elapsedMs = elapsedMs
    }

    /// One candidate and what it predicts.
    public struct Suggestion: Equatable, Sendable, Codable {
        public var settings: RouterSettings
        public var figures: WhatIfFigures

        public init(settings: RouterSettings, figures: WhatIfFigures) {
            self.settings = settings
            self.figures = figures
        }
    }

    enum CodingKeys: String, CodingKey {
        case bounds, live, suggestions, evaluated
        case elapsedMs = "elapsed_ms"
    }
}

/// Why a what-if cannot be answered: no recording, nothing recorded yet, or bad bounds.
public struct WhatIfError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }

    public static let noRecording = WhatIfError("this router keeps no recording of its traffic")
}

extension SuggestBounds {
    /// A `POST /v1/suggest` body: any of the six bounds (an empty body searches the default
    /// ranges); each a valid value of its setting, each minimum at most its maximum.
    public static func parse(_ body: Data) -> Result<SuggestBounds, ControlEndpoint.Problem> {
        let object: [String: Any]
        switch StrictJSON.object(body, fields: fields) {
        case .failure(let problem): return .failure(problem)
        case .success(let parsed): object = parsed
        }
        var values: [String: Double] = [:]
        let keys: [(String, RouterSettingKey)] = [
            ("initial_backoff_s_min", .initialBackoff), ("initial_backoff_s_max", .initialBackoff),
            ("backoff_multiplier_min", .backoffMultiplier), ("backoff_multiplier_max", .backoffMultiplier),
            ("max_backoff_s_min", .maxBackoff), ("max_backoff_s_max", .maxBackoff),
        ]
        for (field, key) in keys {
            guard let value = object[field] else { continue }
            switch StrictJSON.number(value, field: field) {
            case .failure(let problem): return .failure(problem)
            case .success(let number):
                do {
                    values[field] = try SettingsValidator.value(number, for: key, subject: field)
                } catch {
                    return .failure(ControlEndpoint.Problem(status: 400, message: error.description))
                }
            }
        }
        let defaults = SuggestBounds.defaults
        func range(_ name: String, _ fallback: ClosedRange<Double>) -> Result<ClosedRange<Double>, ControlEndpoint.Problem> {
            let low = values["\(name)_min"] ?? fallback.lowerBound
            let high = values["\(name)_max"] ?? max(fallback.upperBound, low)
            guard low <= high else {
                return .failure(ControlEndpoint.Problem(
                    status: 400, message: "\(name)_min \(SettingText.format(low)) is above \(name)_max \(SettingText.format(high))"))
            }
            return .success(low...high)
        }
        return range("initial_backoff_s", defaults.initialBackoff).flatMap { initial in
            range("backoff_multiplier", defaults.backoffMultiplier).flatMap { multiplier in
                range("max_backoff_s", defaults.maxBackoff).map { maximum in
                    SuggestBounds(initialBackoff: initial, backoffMultiplier: multiplier, maxBackoff: maximum)
                }
            }
        }
    }
}
