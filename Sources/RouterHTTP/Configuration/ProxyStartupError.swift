/// A reason the proxy cannot start, in one line that names the bad input.
public struct ProxyStartupError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
