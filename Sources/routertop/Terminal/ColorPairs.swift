import CNcursesw
import Dashboard

/// Curses colour pairs, allocated the first time a foreground/background combination is drawn.
///
/// Themes name far fewer combinations than any colour terminal has pairs, but if the terminal runs
/// out the remaining combinations fall back to the terminal's own colours rather than failing.
struct ColorPairs {
    private struct Combination: Hashable {
        var foreground: Int16
        var background: Int16
    }

    private var allocated: [Combination: Int16] = [:]
    private var nextPair: Int32 = 1
    private let pairLimit: Int32
    private let colorCount: Int32
    /// Whether -1 means "the terminal's own colour" (`use_default_colors` succeeded).
    private let terminalDefaults: Bool

    init(pairLimit: Int32, colorCount: Int32, terminalDefaults: Bool) {
        self.pairLimit = min(pairLimit, Int32(Int16.max))
        self.colorCount = colorCount
        self.terminalDefaults = terminalDefaults
    }

    /// The pair to draw `foreground` on `background` with; 0 (the terminal's default pair) only
    /// when the terminal has no pair left.
    ///
    /// The terminal's own colours get a pair of their own rather than pair 0: curses turns "pair 0
    /// and no attribute" into a full attribute reset (`sgr0`, six bytes on xterm) on top of the
    /// colour change, at every switch back to plain text; with a real pair it sends the colour only.
    mutating func pair(foreground: TerminalColor, background: TerminalColor) -> Int16 {
        let combination = Combination(
            foreground: index(foreground, fallback: Int16(COLOR_WHITE)),
            background: index(background, fallback: Int16(COLOR_BLACK))
        )
        if let pair = allocated[combination] { return pair }
        guard nextPair < pairLimit else { return 0 }
        let pair = Int16(nextPair)
        guard init_pair(pair, combination.foreground, combination.background) != ERR else { return 0 }
        nextPair += 1
        allocated[combination] = pair
        return pair
    }

    private func index(_ color: TerminalColor, fallback: Int16) -> Int16 {
        switch color {
        case .terminalDefault:
            return terminalDefaults ? -1 : fallback
        case .indexed(let value):
            // A theme resolved for this depth never asks for more; guard anyway against a terminal
            // that reports fewer colours than its depth class.
            return Int32(value) < colorCount ? Int16(value) : (terminalDefaults ? -1 : fallback)
        }
    }
}
