import Foundation

/// The control API's version: every snapshot says it, and a client refuses a version it does not know.
public enum ControlContract {
    /// Bumped on any change a version-1 client could misread; the schema file is `api/control-v1.schema.json`.
    public static let schemaVersion = 1
}

// The contract writes durations as numbers with the unit in the key (`_s`, `_ms`) and ids as
// strings; these helpers keep each type's Codable to one line per field.
extension KeyedEncodingContainer {
    mutating func encode(seconds duration: Duration, forKey key: Key) throws {
        try encode(duration.secondsValue, forKey: key)
    }

    mutating func encodeIfPresent(seconds duration: Duration?, forKey key: Key) throws {
        try encodeIfPresent(duration?.secondsValue, forKey: key)
    }

    mutating func encode(milliseconds duration: Duration, forKey key: Key) throws {
        try encode(duration.millisecondsValue, forKey: key)
    }

    mutating func encodeIfPresent(milliseconds duration: Duration?, forKey key: Key) throws {
        try encodeIfPresent(duration?.millisecondsValue, forKey: key)
    }

    mutating func encode(engineTime time: EngineTime, forKey key: Key) throws {
        try encode(time.seconds, forKey: key)
    }

    mutating func encodeIfPresent(engineTime time: EngineTime?, forKey key: Key) throws {
        try encodeIfPresent(time?.seconds, forKey: key)
    }
}

extension KeyedDecodingContainer {
    func decodeSeconds(forKey key: Key) throws -> Duration {
        try Duration.contract(seconds: decode(Double.self, forKey: key), key: key, in: self)
    }

    func decodeSecondsIfPresent(forKey key: Key) throws -> Duration? {
        guard let value = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        return try Duration.contract(seconds: value, key: key, in: self)
    }

    func decodeMilliseconds(forKey key: Key) throws -> Duration {
        try Duration.contract(seconds: decode(Double.self, forKey: key) / 1000, key: key, in: self)
    }

    func decodeMillisecondsIfPresent(forKey key: Key) throws -> Duration? {
        guard let value = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        return try Duration.contract(seconds: value / 1000, key: key, in: self)
    }

    func decodeEngineTime(forKey key: Key) throws -> EngineTime {
        EngineTime(nanoseconds: try decodeSeconds(forKey: key).nanosecondsClamped)
    }

    func decodeEngineTimeIfPresent(forKey key: Key) throws -> EngineTime? {
        try decodeSecondsIfPresent(forKey: key).map { EngineTime(nanoseconds: $0.nanosecondsClamped) }
    }
}

extension Duration {
    /// A duration read from the wire: a finite number, clamped to what the engine's clock holds.
    fileprivate static func contract<K>(seconds: Double, key: K, in container: KeyedDecodingContainer<K>) throws -> Duration {
        guard seconds.isFinite else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "\(seconds) is not a finite number")
        }
        return .clampedSeconds(seconds)
    }
}

/// How the contract writes a numbered id: a prefix and the number (`req-12`, `task-3`).
enum PrefixedNumber {
    static func text(_ prefix: String, _ number: some BinaryInteger) -> String { "\(prefix)-\(number)" }

    /// The number of `text` (`req-12` or `12`), or nil.
    static func number<T: FixedWidthInteger>(_ prefix: String, _ text: String, as: T.Type = T.self) -> T? {
        T(text.hasPrefix(prefix + "-") ? String(text.dropFirst(prefix.count + 1)) : text)
    }

    static func decode<T: FixedWidthInteger>(_ prefix: String, from decoder: any Decoder) throws -> T {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value: T = number(prefix, text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not an id like \(prefix)-12")
        }
        return value
    }
}
