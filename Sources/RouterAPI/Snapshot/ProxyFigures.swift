/// The HTTP front door's limits and what happened at them, for the dashboard (proxy mode only).
public struct ProxyFigures: Codable, Equatable, Sendable {
    /// Client connections open now, and the most allowed at once.
    public var connections = 0
    public var maxConnections = 0
    /// Connections closed at once because `maxConnections` were open.
    public var refusedConnections = 0
    /// Times accepting stopped for a second because `accept` failed, mostly for want of a descriptor
    /// (or memory) for one more connection; the clients waited in the listen backlog meanwhile.
    public var acceptPauses = 0
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

    enum CodingKeys: String, CodingKey {
        case connections
        case maxConnections = "max_connections"
        case refusedConnections = "refused_connections"
        case acceptPauses = "accept_pauses"
        case headerTimeout = "header_timeout_s"
        case idleTimeout = "idle_timeout_s"
        case headerTimeouts = "header_timeouts"
        case idleTimeouts = "idle_timeouts"
        case bodyBytesReserved = "body_bytes_reserved"
        case bodyBytesLimit = "body_bytes_limit"
        case bodyBudgetRefusals = "body_budget_refusals"
        case malformedRequests = "malformed_requests"
        case connectRefusals = "connect_refusals"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        connections = try c.decode(Int.self, forKey: .connections)
        maxConnections = try c.decode(Int.self, forKey: .maxConnections)
        refusedConnections = try c.decode(Int.self, forKey: .refusedConnections)
        acceptPauses = try c.decode(Int.self, forKey: .acceptPauses)
        headerTimeout = try c.decodeSeconds(forKey: .headerTimeout)
        idleTimeout = try c.decodeSeconds(forKey: .idleTimeout)
        headerTimeouts = try c.decode(Int.self, forKey: .headerTimeouts)
        idleTimeouts = try c.decode(Int.self, forKey: .idleTimeouts)
        bodyBytesReserved = try c.decode(Int.self, forKey: .bodyBytesReserved)
        bodyBytesLimit = try c.decode(Int.self, forKey: .bodyBytesLimit)
        bodyBudgetRefusals = try c.decode(Int.self, forKey: .bodyBudgetRefusals)
        malformedRequests = try c.decode(Int.self, forKey: .malformedRequests)
        connectRefusals = try c.decode(Int.self, forKey: .connectRefusals)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(connections, forKey: .connections)
        try c.encode(maxConnections, forKey: .maxConnections)
        try c.encode(refusedConnections, forKey: .refusedConnections)
        try c.encode(acceptPauses, forKey: .acceptPauses)
        try c.encode(seconds: headerTimeout, forKey: .headerTimeout)
        try c.encode(seconds: idleTimeout, forKey: .idleTimeout)
        try c.encode(headerTimeouts, forKey: .headerTimeouts)
        try c.encode(idleTimeouts, forKey: .idleTimeouts)
        try c.encode(bodyBytesReserved, forKey: .bodyBytesReserved)
        try c.encode(bodyBytesLimit, forKey: .bodyBytesLimit)
        try c.encode(bodyBudgetRefusals, forKey: .bodyBudgetRefusals)
        try c.encode(malformedRequests, forKey: .malformedRequests)
        try c.encode(connectRefusals, forKey: .connectRefusals)
    }
}
