/// Finds the line of a key in a TOML text, so semantic errors can name it.
///
/// TOMLKit gives positions only for syntax errors; a value that parses but means nothing to us
/// (an unknown role, a colour out of range) is located here by reading the text again.
struct ThemeLineLocator {
    private struct Entry {
        var path: String
        var line: Int
    }

    private var entries: [Entry] = []

    init(text: String) {
        var table = ""
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Self.stripComment(rawLine).trimming(" \t\r")
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                let inner = line.drop(while: { $0 == "[" }).prefix(while: { $0 != "]" })
                table = Self.normalizedKey(inner)
                entries.append(Entry(path: table, line: offset + 1))
            } else if let equals = line.firstIndex(of: "=") {
                let key = Self.normalizedKey(line[..<equals])
                entries.append(Entry(path: table.isEmpty ? key : "\(table).\(key)", line: offset + 1))
            }
        }
    }

    /// The line that defines `path` (such as `queue.high.fg`), or the nearest enclosing table's.
    func line(of path: String) -> Int? {
        var candidate = path
        while true {
            if let entry = entries.first(where: { $0.path == candidate }) { return entry.line }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = String(candidate[..<dot])
        }
    }

    /// `"queue" . high` and `["queue.high"]` both become `queue.high`.
    private static func normalizedKey(_ text: Substring) -> String {
        String(text.filter { $0 != " " && $0 != "\t" && $0 != "\"" && $0 != "'" })
    }

    private static func stripComment(_ line: Substring) -> Substring {
        var inString: Character?
        for index in line.indices {
            let character = line[index]
            if let quote = inString {
                if character == quote { inString = nil }
            } else if character == "\"" || character == "'" {
                inString = character
            } else if character == "#" {
                return line[..<index]
            }
        }
        return line
    }
}

extension StringProtocol {
    /// Drops the given characters from both ends.
    func trimming(_ set: String) -> String {
        let scalars = Set(set)
        var slice = Substring(self)
        while let first = slice.first, scalars.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, scalars.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
