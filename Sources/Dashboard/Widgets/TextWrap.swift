/// Splits text at spaces into lines that fit a width.
enum TextWrap {
    /// At most `maxLines` lines of at most `width` columns; a word longer than the width is cut by
    /// the screen, and whatever does not fit in `maxLines` is dropped.
    static func lines(_ text: String, width: Int, maxLines: Int = 3) -> [String] {
        guard width > 0, text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return Array(lines.prefix(max(maxLines, 1)))
    }
}
