/// A frame as data: a grid of cells, each one terminal column wide, with a style role.
///
/// Views draw into it and tests read it; only the curses painter turns it into terminal output.
public struct Screen: Equatable, Sendable {
    public let size: TerminalSize
    public private(set) var cells: [Cell]

    public init(size: TerminalSize, fill: Cell = Cell(" ", .normal)) {
        self.size = TerminalSize(columns: max(size.columns, 0), rows: max(size.rows, 0))
        self.cells = Array(repeating: fill, count: self.size.columns * self.size.rows)
    }

    public var width: Int { size.columns }
    public var height: Int { size.rows }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.columns + x] }
        set {
            guard x >= 0, y >= 0, x < size.columns, y < size.rows else { return }
            cells[y * size.columns + x] = newValue
        }
    }

    /// Writes `text` from column `x` of row `y`, clipped to `maxWidth` and to the screen.
    ///
    /// Characters that are not one column wide or not printable are replaced by `?`, so the grid
    /// always matches what the terminal shows. Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: StyleRole, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < size.rows, x < size.columns else { return 0 }
        let limit = min(maxWidth ?? Int.max, size.columns - max(x, 0))
        if limit <= 0 { return 0 }
        if let written = putASCII(text, x: x, y: y, role: role, limit: limit) { return written }
        var column = x
        var written = 0
        for character in text {
            if written >= limit { break }
            if column >= 0 {
                cells[y * size.columns + column] = Cell(Cell.displayable(character), role)
            }
            column += 1
            written += 1
        }
        return written
    }

    /// The fast path for plain ASCII text (almost every frame's text): no grapheme breaking.
    /// Returns nil when `text` holds anything else, leaving the general path to handle it.
    private mutating func putASCII(_ text: String, x: Int, y: Int, role: StyleRole, limit: Int) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            for byte in bytes where byte >= 0x80 { return nil }
            let count = min(bytes.count, limit)
            let start = y * size.columns
            var written = 0
            while written < count {
                let column = x + written
                if column >= 0 {
                    let byte = bytes[written]
                    let character = byte < 0x20 || byte == 0x7F ? "?" : Character(Unicode.Scalar(byte))
                    cells[start + column] = Cell(character, role)
                }
                written += 1
            }
            return written
        }
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(x: Int, y: Int, width: Int, height: Int, with cell: Cell) {
        // Empty or off-screen rectangles are fine: the ranges must never be reversed.
        let top = max(y, 0), bottom = min(y + max(height, 0), size.rows)
        let left = max(x, 0), right = min(x + max(width, 0), size.columns)
        guard top < bottom, left < right else { return }
        for row in top..<bottom {
            for column in left..<right {
                cells[row * size.columns + column] = cell
            }
        }
    }

    /// The text of row `y`.
    public func row(_ y: Int) -> String {
        String(cells[(y * size.columns)..<((y + 1) * size.columns)].map(\.character))
    }

    /// Every row, joined by newlines: what a person would read on the terminal.
    public var text: String {
        (0..<size.rows).map(row).joined(separator: "\n")
    }
}

/// One terminal column: a character and the role that decides its colours.
public struct Cell: Equatable, Sendable {
    public var character: Character
    public var role: StyleRole

    public init(_ character: Character, _ role: StyleRole) {
        self.character = character
        self.role = role
    }

    /// `character` if it is printable and one column wide, else `?`.
    static func displayable(_ character: Character) -> Character {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return "?" }
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return "?" }
        // East Asian wide and emoji ranges take two columns; the grid keeps one column per cell.
        if (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value)
            || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
            || (0xFFE0...0xFFE6).contains(value) || value >= 0x1F300 {
            return "?"
        }
        return character
    }
}

/// A terminal's size in columns and rows.
public struct TerminalSize: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    public var description: String { "\(columns)×\(rows)" }
}
