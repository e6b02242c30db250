import Foundation

/// Finds the line of a key in a TOML text, so errors found after parsing can still name a line.
///
/// TOML parsers report positions only for syntax errors; this index remembers, for each table
/// header and key, the line it stands on.
struct TOMLLineIndex {
    /// A table: its name, and its position among `[[name]]` tables of the same name.
    struct Section: Hashable {
        var name: String
        var index: Int
    }

    private var headers: [Section: Int] = [:]
    private var keys: [Section: [String: Int]] = [:]

    init(text: String) {
        var current = Section(name: "", index: 0)
        var arrayCounts: [String: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let trimmed = raw.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("[[") {
                let name = Self.headerName(trimmed.dropFirst(2), closing: "]]")
                let index = arrayCounts[name, default: 0]
                arrayCounts[name] = index + 1
                current = Section(name: name, index: index)
                headers[current] = line
            } else if trimmed.hasPrefix("[") {
                current = Section(name: Self.headerName(trimmed.dropFirst(), closing: "]"), index: 0)
                headers[current] = line
            } else if let key = Self.key(of: trimmed), keys[current]?[key] == nil {
                keys[current, default: [:]][key] = line
            }
        }
    }

    /// The line of `key` in the table, else the table's header, else 1.
    func line(section: String = "", index: Int = 0, key: String? = nil) -> Int {
        let section = Section(name: section, index: index)
        if let key, let line = keys[section]?[key] { return line }
        return headers[section] ?? 1
    }

    private static func headerName(_ rest: Substring, closing: String) -> String {
        let name = rest.components(separatedBy: closing).first ?? ""
        return name.trimmingCharacters(in: CharacterSet(charactersIn: " \t\""))
    }

    private static func key(of line: Substring) -> String? {
        guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { return nil }
        let key = line[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " \t\""))
        return key.isEmpty ? nil : key
    }
}
