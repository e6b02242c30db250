/// Finds, before the TOML library sees a text, the inputs that would stop its parser with an
/// assertion (and so kill the process) instead of returning an error.
///
/// The TOML library's C++ parser asserts that a table header (`[name]`, `[[name]]`) starts with a
/// bare-key character or a quote; any other first character (`[é]`, `[=]`, `[ ,]`) aborts. It also
/// reads its input as a C string, so a NUL byte would silently cut the file short. This scanner
/// follows the text as the parser does (strings, comments, arrays and inline tables spanning lines)
/// to find every real table header, and refuses those inputs with a line and a reason. The fuzz
/// targets in `Fuzz/` keep it honest.
public enum TOMLInputCheck {
    /// Why a text is refused, and on which 1-based line.
    public struct Problem: Error, Equatable, Sendable {
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// The first problem in `text`, or nil when the TOML library can be given it safely.
    public static func problem(in text: String) -> Problem? {
        var scanner = Scanner()
        var scalars = Substring(text).unicodeScalars
        // The parser skips a byte order mark at the start, so the first statement starts after it.
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        for scalar in scalars {
            if let problem = scanner.take(scalar) { return problem }
        }
        return nil
    }

    /// A character allowed in a bare key (TOML 1.0: ASCII letters, digits, `-` and `_`).
    static func isBareKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "-", "_": true
        default: false
        }
    }

    /// The state of one pass over the text, one Unicode scalar at a time.
    private struct Scanner {
        enum Mode {
            /// Between values: keys, `=`, brackets, numbers and the like.
            case code
            case comment
            /// A one-line string; `escaped` after a backslash in a basic string.
            case string(quote: Unicode.Scalar, escaped: Bool)
            /// A multi-line string; `run` counts closing quotes seen in a row.
            case multiLineString(quote: Unicode.Scalar, escaped: Bool, run: Int)
            /// Right after a multi-line string's closing quotes, where up to two more quotes still
            /// belong to the string (`"""a"""""` is `a""`).
            case extraClosingQuotes(quote: Unicode.Scalar, count: Int)
            /// Right after the `[` (or `[[`) that opens a table header, before its first key character.
            case headerStart(sawSecondBracket: Bool, sawSpace: Bool)
        }

        var mode = Mode.code
        var line = 1
        /// Open `[` and `{` of a value, so a `[` on a later line of a multi-line array is not a header.
        var depth = 0
        /// True at the start of a statement at the top level, where a `[` opens a table header.
        var atStatementStart = true
        /// True inside a table header's name, where brackets do not nest.
        var inHeader = false
        /// Quotes seen in a row in code, to tell `"` from `"""`.
        var quoteRun: (quote: Unicode.Scalar, count: Int)?

        mutating func take(_ scalar: Unicode.Scalar) -> Problem? {
            if scalar == "\0" {
                return Problem(line: line, reason: "the file contains a NUL character (byte 0); TOML files are text")
            }
            if let run = quoteRun, scalar != run.quote || run.count == 3 {
                quoteRun = nil
                openString(quote: run.quote, count: run.count)
            }
            switch mode {
            case .comment:
                if scalar == "\n" { mode = .code; return take(scalar) }
            case .string(let quote, let escaped):
                if scalar == "\n" {
                    // A one-line string cannot span lines; the parser refuses it, so stop following it.
                    mode = .code
                    return take(scalar)
                }
                if escaped {
                    mode = .string(quote: quote, escaped: false)
                } else if scalar == "\\" && quote == "\"" {
                    mode = .string(quote: quote, escaped: true)
                } else if scalar == quote {
                    mode = .code
                }
            case .multiLineString(let quote, let escaped, let run):
                if scalar == "\n" { line += 1 }
                if escaped {
                    mode = .multiLineString(quote: quote, escaped: false, run: 0)
                } else if scalar == "\\" && quote == "\"" {
                    mode = .multiLineString(quote: quote, escaped: true, run: 0)
                } else if scalar == quote {
                    // Up to two quotes may end the content just before the closing three.
                    if run + 1 >= 3 {
                        mode = .extraClosingQuotes(quote: quote, count: 0)
                    } else {
                        mode = .multiLineString(quote: quote, escaped: false, run: run + 1)
                    }
                } else {
                    mode = .multiLineString(quote: quote, escaped: false, run: 0)
                }
            case .extraClosingQuotes(let quote, let count):
                if scalar == quote && count < 2 {
                    mode = .extraClosingQuotes(quote: quote, count: count + 1)
                } else {
                    mode = .code
                    return take(scalar)
                }
            case .headerStart(let sawSecondBracket, let sawSpace):
                if scalar == "[" && !sawSecondBracket && !sawSpace {
                    mode = .headerStart(sawSecondBracket: true, sawSpace: false)
                } else if scalar == " " || scalar == "\t" {
                    mode = .headerStart(sawSecondBracket: sawSecondBracket, sawSpace: true)
                } else if scalar == "[" && !sawSecondBracket {
                    // `[ [`: the parser refuses it with its own message.
                    mode = .code
                } else if scalar == "]" {
                    // An empty header: the parser refuses it with its own message.
                    mode = .code
                    return take(scalar)
                } else if Self.opensHeaderName(scalar) {
                    mode = .code
                    return take(scalar)
                } else {
                    return Problem(
                        line: line,
                        reason: "a table name must start with a letter, a digit, - or _, or be quoted; found \(Self.shown(scalar))"
                    )
                }
            case .code:
                return code(scalar)
            }
            return nil
        }

        private static func opensHeaderName(_ scalar: Unicode.Scalar) -> Bool {
            isBareKeyCharacter(scalar) || scalar == "\"" || scalar == "'"
        }

        private mutating func code(_ scalar: Unicode.Scalar) -> Problem? {
            switch scalar {
            case "\n":
                line += 1
                if depth == 0 {
                    atStatementStart = true
                    inHeader = false
                }
            case " ", "\t", "\r":
                break
            case "#":
                mode = .comment
            case "\"", "'":
                if let run = quoteRun {
                    quoteRun = (run.quote, run.count + 1)
                } else {
                    quoteRun = (scalar, 1)
                }
                atStatementStart = false
            case "[":
                if depth == 0 && atStatementStart {
                    atStatementStart = false
                    inHeader = true
                    mode = .headerStart(sawSecondBracket: false, sawSpace: false)
                } else if !inHeader {
                    depth += 1
                }
                atStatementStart = false
            case "{":
                if !inHeader { depth += 1 }
                atStatementStart = false
            case "]", "}":
                if !inHeader { depth = max(depth - 1, 0) }
                atStatementStart = false
            default:
                atStatementStart = false
            }
            return nil
        }

        /// Opens the string that `count` quotes in a row begin: one or three open a string, two are
        /// an empty string.
        private mutating func openString(quote: Unicode.Scalar, count: Int) {
            switch count {
            case 1: mode = .string(quote: quote, escaped: false)
            case 3: mode = .multiLineString(quote: quote, escaped: false, run: 0)
            default: mode = .code
            }
        }

        private static func shown(_ scalar: Unicode.Scalar) -> String {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                return "the control character U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4))"
            }
            return "'\(scalar)' (U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)))"
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
