/// Why a theme could not be loaded: the file, the line when there is one, and the reason.
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The theme file (or the name that was asked for, when no file was found).
    public var file: String
    /// The 1-based line the problem is on, when it is on one.
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "theme \(file), line \(line): \(reason)" }
        return "theme \(file): \(reason)"
    }
}
