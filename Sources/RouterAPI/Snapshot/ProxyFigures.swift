/// The HTTP front door's limits and what happened at them, for the dashboard (proxy mode only).
public struct ProxyFigures: Codable, Equatable, Sendable {
    /// Client connections open now, and the most allowed at once.
    public var connections = 0
    public var maxConnections = 0
    /// Connections closed at once because `maxConnections` were open.
    public var refusedConnections = 0
    /// Seconds a client may take to send a request head, and to stay idle between requests.
    public var headerTimeout: Duration = .zero
    public var idleTimeout: Duration = .zero
    /// Connections closed because a request head took too long, or because they stayed idle.
    public var headerTimeouts = 0
    public var idleTimeouts = 0
    /// Request-body bytes reserved now for requests in flight, and the budget for all of them.
    public var bodyBytesReserved = 0
    public var bodyBytesLimit = 0
    /// Requests refused with 503 because the body budget was spent.
    public var bodyBudgetRefusals = 0
    /// Requests that did not parse (answered 400) and CONNECT requests refused with 405.
    public var malformedRequests = 0
    public var connectRefusals = 0

    public init() {}
}
