/// What the clients of the front door saw, counted by how each request ended.
///
/// Compared with the router's totals it shows conservation for real traffic: every admitted
/// request was answered by a replica, refused with a status, or dropped because its client left.
public struct ClientTally: Equatable, Sendable {
    /// Requests received from clients (admitted to the router or shed at once).
    public var received = 0
    /// Responses streamed from a replica to the end.
    public var answered = 0
    /// 503 because the pending queue was full.
    public var shed = 0
    /// 503 because no replica was found in time.
    public var routingTimeouts = 0
    /// 502 because replicas failed.
    public var badGateway = 0
    /// 504 because the request took too long.
    public var gatewayTimeouts = 0
    /// Connections closed mid-response because the replica failed after the answer started.
    public var abortedMidResponse = 0
    /// Requests whose client left before the answer.
    public var clientGone = 0
    /// Requests called off because their body did not parse (answered 400; cancelled in the router).
    public var malformedBody = 0

    public init() {}

    /// Requests not yet ended.
    public var inFlight: Int {
        received - answered - shed - routingTimeouts - badGateway - gatewayTimeouts - abortedMidResponse - clientGone
            - malformedBody
    }
}

extension ClientTally {
    /// Two front doors' tallies together (one per event loop).
    public static func + (a: ClientTally, b: ClientTally) -> ClientTally {
        var sum = a
        sum.received += b.received
        sum.answered += b.answered
        sum.shed += b.shed
        sum.routingTimeouts += b.routingTimeouts
        sum.badGateway += b.badGateway
        sum.gatewayTimeouts += b.gatewayTimeouts
        sum.abortedMidResponse += b.abortedMidResponse
        sum.clientGone += b.clientGone
        sum.malformedBody += b.malformedBody
        return sum
    }
}
