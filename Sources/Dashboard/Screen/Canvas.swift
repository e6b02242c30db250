/// A screen being drawn, with the glyph set in force; every view draws through it.
///
/// In ASCII mode it also rewrites text that came from elsewhere (event messages, replica names)
/// so that nothing but ASCII reaches the terminal.
struct Canvas {
    var screen: Screen
    let glyphs: Glyphs

    init(size: TerminalSize, ascii: Bool) {
        self.screen = Screen(size: size)
        self.glyphs = Glyphs(ascii: ascii)
    }

    var width: Int { screen.width }
    var height: Int { screen.height }
    var bounds: Rect { Rect(x: 0, y: 0, width: screen.width, height: screen.height) }

    /// Writes text clipped to `maxWidth` columns; returns the columns written.
    @discardableResult
    mutating func put(_ text: String, x: Int, y: Int, role: StyleRole, maxWidth: Int? = nil) -> Int {
        if let maxWidth, maxWidth <= 0 { return 0 }
        let shown = glyphs.ascii ? Glyphs.asciiOnly(text) : text
        return screen.put(shown, x: x, y: y, role: role, maxWidth: maxWidth)
    }

    /// Writes text inside `rect` on its row `row`, clipped to the rectangle.
    @discardableResult
    mutating func put(_ text: String, in rect: Rect, row: Int, column: Int = 0, role: StyleRole) -> Int {
        guard row >= 0, row < rect.height, column < rect.width else { return 0 }
        return put(text, x: rect.x + column, y: rect.y + row, role: role, maxWidth: rect.width - column)
    }

    /// Writes text right-aligned so that it ends at column `right` (exclusive).
    @discardableResult
    mutating func putRight(_ text: String, right: Int, y: Int, width: Int, role: StyleRole) -> Int {
        let count = text.count
        if count >= width { return put(text, x: right - width, y: y, role: role, maxWidth: width) }
        return put(text, x: right - count, y: y, role: role, maxWidth: count)
    }

    mutating func set(_ character: Character, x: Int, y: Int, role: StyleRole) {
        screen[x, y] = Cell(character, role)
    }

    mutating func fill(_ rect: Rect, _ character: Character = " ", role: StyleRole) {
        screen.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, with: Cell(character, role))
    }

    /// A horizontal rule with a title: `── Replicas (16) ─────`.
    mutating func rule(
        _ title: String, in rect: Rect, row: Int = 0, role: StyleRole = .panelBorder,
        titleRole: StyleRole = .panelTitle
    ) {
        guard row < rect.height, rect.width > 0 else { return }
        let y = rect.y + row
        fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), glyphs.horizontal, role: role)
        if !title.isEmpty, rect.width > 4 {
            put(" " + title + " ", x: rect.x + 2, y: y, role: titleRole, maxWidth: rect.width - 3)
        }
    }

    /// A box border around `rect` with a title, its inside cleared.
    mutating func box(_ rect: Rect, title: String, role: StyleRole = .modalBorder, titleRole: StyleRole = .modalTitle) {
        guard rect.width >= 2, rect.height >= 2 else {
            fill(rect, role: role)
            return
        }
        fill(rect.inset(by: 1), role: .modalText)
        let left = rect.x, right = rect.maxX - 1, top = rect.y, bottom = rect.maxY - 1
        fill(Rect(x: left + 1, y: top, width: rect.width - 2, height: 1), glyphs.horizontal, role: role)
        fill(Rect(x: left + 1, y: bottom, width: rect.width - 2, height: 1), glyphs.horizontal, role: role)
        fill(Rect(x: left, y: top + 1, width: 1, height: rect.height - 2), glyphs.vertical, role: role)
        fill(Rect(x: right, y: top + 1, width: 1, height: rect.height - 2), glyphs.vertical, role: role)
        set(glyphs.topLeft, x: left, y: top, role: role)
        set(glyphs.topRight, x: right, y: top, role: role)
        set(glyphs.bottomLeft, x: left, y: bottom, role: role)
        set(glyphs.bottomRight, x: right, y: bottom, role: role)
        if !title.isEmpty, rect.width > 4 {
            put(" " + title + " ", x: left + 2, y: top, role: titleRole, maxWidth: rect.width - 4)
        }
    }
}
