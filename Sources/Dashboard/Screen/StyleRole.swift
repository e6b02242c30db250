/// What a piece of the screen means, such as `queue.high` or `backoff.wait`; a theme gives each
/// role its colours.
public struct StyleRole: Hashable, Sendable, RawRepresentable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static let normal: StyleRole = "normal"
}

/// How a role looks on a terminal of a given colour depth, after a theme resolved it.
public struct TextStyle: Equatable, Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var bold: Bool
    public var dim: Bool
    public var underline: Bool
    public var reverse: Bool

    public init(
        foreground: TerminalColor = .terminalDefault, background: TerminalColor = .terminalDefault,
        bold: Bool = false, dim: Bool = false, underline: Bool = false, reverse: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.underline = underline
        self.reverse = reverse
    }

    public static let plain = TextStyle()
}

/// A terminal colour: the terminal's own, or an index into its palette (0–7, or 0–255).
public enum TerminalColor: Equatable, Hashable, Sendable {
    case terminalDefault
    case indexed(UInt8)
}

/// How many colours the terminal can show, after `NO_COLOR` and the terminal's own limits.
public enum ColorDepth: Int, Equatable, Sendable, Comparable {
    case none = 0
    case eight = 8
    case full256 = 256

    public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool { lhs.rawValue < rhs.rawValue }
}
