import CNcursesw
import Dashboard

/// Writes a `Screen` into the curses buffer and sends only the changes to the terminal.
///
/// Each frame erases the buffer and redraws every cell, then makes one `doupdate`: curses compares
/// the buffer with what the terminal shows and writes the difference, so an unchanged cell costs
/// nothing on the wire. A frame equal to the last one is skipped altogether. UI thread only.
final class CursesPainter {
    private let depth: ColorDepth
    private let ascii: Bool
    private var pairs: ColorPairs?
    private var lastScreen: Screen?
    private var lastThemeName: String?
    private var styles: [StyleRole: (attributes: attr_t, pair: Int16)] = [:]
    private var run: [wchar_t] = []

    /// - Parameters:
    ///   - depth: the colours in use (`.none` draws attributes only).
    ///   - pairs: the colour pair allocator, when colours are on.
    ///   - ascii: replace every non-ASCII character, for a terminal whose locale is not UTF-8.
    init(depth: ColorDepth, pairs: ColorPairs?, ascii: Bool) {
        self.depth = depth
        self.pairs = pairs
        self.ascii = ascii
    }

    /// Forgets the last frame so the next one is drawn in full (after a resize).
    func invalidate() {
        lastScreen = nil
    }

    /// Draws `screen` with `theme`; returns false when the frame was skipped as unchanged.
    @discardableResult
    func paint(_ screen: Screen, theme: Theme) -> Bool {
        if theme.name != lastThemeName {
            styles.removeAll(keepingCapacity: true)
            lastThemeName = theme.name
            lastScreen = nil
        }
        if screen == lastScreen { return false }
        lastScreen = screen

        guard let window = rt_stdscr() else { return false }
        var rows: Int32 = 0
        var columns: Int32 = 0
        rt_getmaxyx(window, &rows, &columns)
        let height = min(screen.height, Int(rows))
        let width = min(screen.width, Int(columns))

        werase(window)
        for y in 0..<height {
            var x = 0
            while x < width {
                let role = screen[x, y].role
                run.removeAll(keepingCapacity: true)
                var end = x
                while end < width, screen[end, y].role == role {
                    run.append(wide(screen[end, y].character))
                    end += 1
                }
                let style = look(of: role, theme: theme)
                wattr_set(window, style.attributes, style.pair, nil)
                // The bottom-right cell makes curses report ERR (it cannot scroll) but is drawn.
                _ = run.withUnsafeBufferPointer { buffer in
                    mvwaddnwstr(window, Int32(y), Int32(x), buffer.baseAddress, Int32(buffer.count))
                }
                x = end
            }
        }
        wattr_set(window, rt_a_normal(), 0, nil)
        wnoutrefresh(window)
        doupdate()
        return true
    }

    private func look(of role: StyleRole, theme: Theme) -> (attributes: attr_t, pair: Int16) {
        if let known = styles[role] { return known }
        let style = theme.style(for: role, depth: depth)
        var attributes = rt_a_normal()
        if style.bold { attributes |= rt_a_bold() }
        if style.dim { attributes |= rt_a_dim() }
        if style.underline { attributes |= rt_a_underline() }
        if style.reverse { attributes |= rt_a_reverse() }
        let pair = pairs?.pair(foreground: style.foreground, background: style.background) ?? 0
        styles[role] = (attributes, pair)
        return (attributes, pair)
    }

    private func wide(_ character: Character) -> wchar_t {
        let scalar = character.unicodeScalars.first ?? " "
        if ascii && !scalar.isASCII {
            return wchar_t(ASCIIFallback.replacement(for: scalar).value)
        }
        return wchar_t(bitPattern: scalar.value)
    }
}
