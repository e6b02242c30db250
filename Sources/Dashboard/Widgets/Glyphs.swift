/// The characters for borders, bars and marks: Unicode in a UTF-8 locale, plain ASCII otherwise.
struct Glyphs: Sendable {
    let ascii: Bool

    var horizontal: Character { ascii ? "-" : "─" }
    var vertical: Character { ascii ? "|" : "│" }
    var topLeft: Character { ascii ? "+" : "┌" }
    var topRight: Character { ascii ? "+" : "┐" }
    var bottomLeft: Character { ascii ? "+" : "└" }
    var bottomRight: Character { ascii ? "+" : "┘" }
    var barFull: Character { ascii ? "#" : "█" }
    var barEmpty: Character { ascii ? "." : "░" }
    /// Partial blocks by eighths (index 1–7); ASCII has none and rounds instead.
    static let eighths: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    var sparkLevels: [Character] {
        ascii ? [" ", ".", ":", "-", "=", "+", "*", "#"] : ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    }
    var separator: String { ascii ? " | " : " · " }
    var sortDescending: String { ascii ? "v" : "▼" }
    var sortAscending: String { ascii ? "^" : "▲" }
    var arrow: String { ascii ? "->" : "→" }
    var times: String { ascii ? "x" : "×" }
    var ellipsis: String { ascii ? "~" : "…" }
    var changedMark: String { "*" }
    var selectionMark: String { ascii ? ">" : "▶" }
    /// At the right edge of the table's headings: more columns than fit the width.
    var columnsCutMark: String { ascii ? ">" : "›" }

    /// Replaces what an ASCII terminal cannot show in text that came from elsewhere (event messages).
    static func asciiOnly(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "→": result += "->"
            case "←": result += "<-"
            case "×": result += "x"
            case "…": result += "..."
            case "·", "•": result += "."
            case "≥": result += ">="
            case "≤": result += "<="
            case "µ": result += "u"
            case "∞": result += "inf"
            case "—", "–", "─": result += "-"
            case "“", "”": result += "\""
            case "‘", "’": result += "'"
            default: result += "?"
            }
        }
        return result
    }
}
