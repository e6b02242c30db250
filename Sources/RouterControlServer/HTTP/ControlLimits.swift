import NIOCore

/// The control API's bounds on each connection: how many a listener holds and how long one may wait.
public struct ControlLimits: Sendable {
    /// Connections each listener holds at once. Each listener has places of its own, so TCP clients
    /// never take the Unix socket's: the local operator always gets in.
    public var connectionsPerListener = 64
    /// A request's head and body must be whole this long after its first byte (or after connecting).
    public var headerTimeout: TimeAmount = .seconds(10)
    /// A connection with no request in progress (and no stream) is closed after this long.
    public var idleTimeout: TimeAmount = .seconds(60)

    public init() {}

    public static let standard = ControlLimits()
}

/// Why the server closed a control connection; the label of `routertop_control_connections_closed_total`.
enum ControlClosing: String, CaseIterable, Sendable {
    case headerTimeout = "header_timeout"
    case idleTimeout = "idle_timeout"
    case badRequest = "bad_request"
}

/// A control listener, as the metrics name it.
enum ControlListenerKind: String, CaseIterable, Sendable {
    case unixSocket = "unix"
    case tcp
}
