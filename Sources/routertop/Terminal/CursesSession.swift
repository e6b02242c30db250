import CNcursesw
import Dashboard

/// Why the curses screen could not start.
struct TerminalStartError: Error, CustomStringConvertible {
    var description: String
}

/// The curses screen, from start-up to `endwin`. UI thread only.
final class CursesSession {
    /// The colours the terminal shows, after `NO_COLOR`.
    let colorDepth: ColorDepth
    /// The colour pair allocator, nil when colours are off.
    let pairs: ColorPairs?
    private let screen: OpaquePointer
    private var ended = false

    private init(screen: OpaquePointer, colorDepth: ColorDepth, pairs: ColorPairs?) {
        self.screen = screen
        self.colorDepth = colorDepth
        self.pairs = pairs
    }

    /// Takes over the terminal. The locale must already be set (`setlocale(LC_ALL, "")`).
    ///
    /// - Parameter noColor: true when `NO_COLOR` is set: attributes only, whatever the terminal can do.
    static func start(noColor: Bool, terminalName: String?) throws(TerminalStartError) -> CursesSession {
        // newterm, unlike initscr, reports an unknown terminal instead of exiting the process.
        guard let screen = newterm(nil, rt_stdout(), rt_stdin()) else {
            throw TerminalStartError(
                description: "routertop: cannot drive this terminal (TERM=\(terminalName ?? "unset")); "
                    + "set TERM to a type the system knows, such as xterm-256color"
            )
        }
        var depth = ColorDepth.none
        var pairs: ColorPairs?
        if !noColor && has_colors() {
            start_color()
            let terminalDefaults = use_default_colors() == OK
            let colors = rt_colors()
            depth = colors >= 256 ? .full256 : (colors >= 8 ? .eight : .none)
            if depth != .none {
                pairs = ColorPairs(pairLimit: rt_color_pairs(), colorCount: colors, terminalDefaults: terminalDefaults)
            }
        }
        let window = rt_stdscr()
        cbreak()
        noecho()
        keypad(window, true)
        defineHomeAndEnd()
        // The cursor is hidden; leaving it where the last write ended saves a move per frame.
        leaveok(window, true)
        curs_set(0)
        set_escdelay(25)
        return CursesSession(screen: screen, colorDepth: depth, pairs: pairs)
    }

    /// Home and End as terminals send them whatever their terminfo entry says: tmux and the Linux
    /// console send `ESC [1~` and `ESC [4~`, rxvt `ESC [7~` and `ESC [8~`, xterm `ESC [H`/`ESC OH`.
    /// An entry names only one form (xterm-256color: `ESC OH`), so under tmux with
    /// TERM=xterm-256color the keys would arrive as loose characters. Sequences the entry already
    /// gives a meaning are left alone.
    private static func defineHomeAndEnd() {
        let sequences: [(String, Int32)] = [
            ("\u{1B}[1~", KEY_HOME), ("\u{1B}[4~", KEY_END), ("\u{1B}[7~", KEY_HOME), ("\u{1B}[8~", KEY_END),
            ("\u{1B}[H", KEY_HOME), ("\u{1B}[F", KEY_END), ("\u{1B}OH", KEY_HOME), ("\u{1B}OF", KEY_END),
        ]
        for (sequence, code) in sequences where key_defined(sequence) == 0 {
            define_key(sequence, code)
        }
    }

    /// The terminal's size now (curses updates it before it reports a resize).
    var size: TerminalSize {
        var rows: Int32 = 0
        var columns: Int32 = 0
        rt_getmaxyx(rt_stdscr(), &rows, &columns)
        return TerminalSize(columns: Int(max(columns, 0)), rows: Int(max(rows, 0)))
    }

    /// Waits up to `timeoutMilliseconds` for a key; nil on timeout, on a signal, or for a key the
    /// dashboard does not use.
    func readKey(timeoutMilliseconds: Int) -> Key? {
        let window = rt_stdscr()
        wtimeout(window, Int32(clamping: max(timeoutMilliseconds, 0)))
        var code: wint_t = 0
        let status = wget_wch(window, &code)
        return KeyDecoder.decode(status: status, code: UInt32(code))
    }

    /// Gives the terminal back as it was. Safe to call more than once.
    func end() {
        guard !ended else { return }
        ended = true
        endwin()
        delscreen(screen)
    }
}
