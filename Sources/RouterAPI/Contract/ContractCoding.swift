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
    /// `req-12`: the digits written straight into the string. Interpolating them cost about 690
    /// instructions, and the proxy names every request it passes on (`X-Request-Id`).
    static func text(_ prefix: String, _ number: some BinaryInteger) -> String {
        guard let number = UInt64(exactly: number) else { return "\(prefix)-\(number)" }
        var digits = 1
        var rest = number
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        let prefixBytes = prefix.utf8.count
        let count = prefixBytes + 1 + digits
        return String(unsafeUninitializedCapacity: count) { text in
            _ = text.initialize(fromContentsOf: prefix.utf8)
            text[prefixBytes] = UInt8(ascii: "-")
            var number = number
            for index in (prefixBytes + 1..<count).reversed() {
                text[index] = UInt8(ascii: "0") + UInt8(number % 10)
                number /= 10
            }
            return count
        }
    }

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
