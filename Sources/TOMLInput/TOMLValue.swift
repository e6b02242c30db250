import TOMLKit

/// A value read from a TOML file, as routertop's readers see it. The TOML library stays inside
/// this module: readers get plain values, never the library's types.
public enum TOMLValue: Equatable, Sendable, CustomDebugStringConvertible {
    case string(String)
    /// An integer, with its text as written when that differs from plain decimal (`0x1F`).
    case integer(Int, text: String)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue], text: String)
    case table(TOMLTableValue, text: String)
    /// A date, a time or a date-time, by its TOML text: no reader takes one.
    case dateOrTime(String)

    /// The text, when this is a string.
    public var string: String? { if case .string(let text) = self { text } else { nil } }
    /// The number, when this is an integer.
    public var int: Int? { if case .integer(let value, _) = self { value } else { nil } }
    /// The number, when this is a float (an integer is not one).
    public var double: Double? { if case .float(let value) = self { value } else { nil } }
    /// The flag, when this is a boolean.
    public var bool: Bool? { if case .boolean(let value) = self { value } else { nil } }
    /// The elements, when this is an array.
    public var array: [TOMLValue]? { if case .array(let elements, _) = self { elements } else { nil } }
    /// The table, when this is one.
    public var table: TOMLTableValue? { if case .table(let table, _) = self { table } else { nil } }

    /// The value as TOML text, for messages that quote what the file said.
    public var debugDescription: String {
        switch self {
        case .string(let text): "\"" + text + "\""
        case .integer(_, let text), .array(_, let text), .table(_, let text), .dateOrTime(let text): text
        case .float(let value): String(value)
        case .boolean(let value): String(value)
        }
    }

    init(_ value: any TOMLValueConvertible) {
        let node = value.tomlValue
        switch node.type {
        case .string: self = .string(node.string ?? "")
        case .int: self = .integer(node.int ?? 0, text: node.debugDescription)
        case .double: self = .float(node.double ?? 0)
        case .bool: self = .boolean(node.bool ?? false)
        case .array: self = .array((node.array.map { Array($0) } ?? []).map(TOMLValue.init), text: node.debugDescription)
        case .table: self = .table(TOMLTableValue(node.table ?? TOMLTable()), text: node.debugDescription)
        case .date, .time, .dateTime: self = .dateOrTime(node.debugDescription)
        }
    }
}

/// A TOML table: its keys and values, in the order the TOML library gives them (sorted by key).
public struct TOMLTableValue: Equatable, Sendable, Sequence {
    /// One key and its value.
    public struct Entry: Equatable, Sendable {
        public var key: String
        public var value: TOMLValue
    }

    public let entries: [Entry]
    private let index: [String: Int]

    init(_ table: TOMLTable) {
        var entries: [Entry] = []
        for (key, value) in table { entries.append(Entry(key: key, value: TOMLValue(value))) }
        self.entries = entries
        self.index = Dictionary(entries.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The keys, in order.
    public var keys: [String] { entries.map(\.key) }

    /// The first key, in sorted order, that `known` does not hold: almost always a typo. Every
    /// reader checks its tables' keys with this one rule.
    public func firstUnknownKey(known: Set<String>) -> String? {
        keys.sorted().first { !known.contains($0) }
    }

    /// The first unknown key (`firstUnknownKey`) and the one message every TOML input gives for it.
    ///
    /// - Parameter place: the table as the operator wrote it: "the top level", "[router]",
    ///   "[[replica]] #2".
    public func unknownKey(known: Set<String>, in place: String) -> (key: String, message: String)? {
        firstUnknownKey(known: known).map { ($0, Self.unknownKeyMessage($0, in: place, known: known)) }
    }

    /// The wording of an unknown key in every TOML input:
    /// `unknown key "x" in [table]; known keys: a, b, c` (the reader puts the file and line first).
    public static func unknownKeyMessage(_ key: String, in place: String, known: Set<String>) -> String {
        "unknown key \"\(key)\" in \(place); known keys: \(known.sorted().joined(separator: ", "))"
    }

    public subscript(key: String) -> TOMLValue? { index[key].map { entries[$0].value } }

    public func makeIterator() -> AnyIterator<(key: String, value: TOMLValue)> {
        var rest = entries.makeIterator()
        return AnyIterator { rest.next().map { (key: $0.key, value: $0.value) } }
    }
}
