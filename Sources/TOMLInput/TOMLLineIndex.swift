/// Finds the line of a table or key in a TOML text, so errors found after parsing can name a line.
///
/// TOMLKit reports positions only for syntax errors; a value that parses but means nothing to us
/// (an unknown key, a number out of range) is located here by reading the text again. Scenario
/// files, theme files and replica files all use it.
public struct TOMLLineIndex: Sendable {
    /// A table: its name, and its position among `[[name]]` tables of the same name.
    private struct Table: Hashable {
        var name: String
        var index: Int
    }

    private var headers: [Table: Int] = [:]
    private var keys: [Table: [String: Int]] = [:]
    /// Dotted paths (`queue.high`, `queue.high.fg`) of first tables and their keys.
    private var paths: [String: Int] = [:]

    public init(text: String) {
        var current = Table(name: "", index: 0)
        var arrayCounts: [String: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = Self.trimmed(Self.strippingComment(raw))
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                let name = Self.normalized(line.drop { $0 == "[" }.prefix { $0 != "]" })
                let index = arrayCounts[name, default: 0]
                arrayCounts[name] = index + 1
                current = Table(name: name, index: index)
                headers[current] = headers[current] ?? number
                paths[name] = paths[name] ?? number
            } else if let equals = line.firstIndex(of: "=") {
                let key = Self.normalized(line[..<equals])
                if keys[current]?[key] == nil { keys[current, default: [:]][key] = number }
                let path = current.name.isEmpty ? key : "\(current.name).\(key)"
                paths[path] = paths[path] ?? number
            }
        }
    }

    /// The line of `key` in the `index`-th table named `table` (`""` is the top level), else of
    /// that table's header; nil when neither is in the text.
    public func line(table: String = "", index: Int = 0, key: String? = nil) -> Int? {
        let table = Table(name: table, index: index)
        if let key, let line = keys[table]?[key] { return line }
        return headers[table]
    }

    /// The line that defines a dotted path such as `queue.high.fg` (a key or a table), else the
    /// nearest enclosing table's; nil when none is in the text.
    public func line(ofPath path: String) -> Int? {
        var candidate = path
        while true {
            if let line = paths[candidate] { return line }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = String(candidate[..<dot])
        }
    }

    /// `"queue" . high` and `["queue.high"]` both become `queue.high`.
    private static func normalized(_ text: Substring) -> String {
        String(text.filter { $0 != " " && $0 != "\t" && $0 != "\"" && $0 != "'" })
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) })
        else { return "" }
        return text[first...last]
    }

    private static func strippingComment(_ line: Substring) -> Substring {
        var quote: Character?
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                return line[..<index]
            }
        }
        return line
    }
}
