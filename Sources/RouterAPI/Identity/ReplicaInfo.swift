/// A replica's name.
public struct ReplicaID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }
    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// In JSON a replica id is a bare string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// What the router knows of a replica before it talks to it.
public struct ReplicaInfo: Equatable, Sendable, Codable {
    public var id: ReplicaID
    public var node: String
    public var zone: String
    public var maxOngoingRequests: Int
    /// Whether the replica answers queue-length probes; if not, the router counts its requests itself.
    public var answersProbes: Bool

    public init(id: ReplicaID, node: String, zone: String, maxOngoingRequests: Int = 5, answersProbes: Bool = true) {
        self.id = id
        self.node = node
        self.zone = zone
        self.maxOngoingRequests = maxOngoingRequests
        self.answersProbes = answersProbes
    }

    enum CodingKeys: String, CodingKey {
        case id, node, zone
        case maxOngoingRequests = "max_ongoing_requests"
        case answersProbes = "answers_probes"
    }
}

/// Whether a replica takes requests.
public enum ReplicaState: String, Sendable, Codable, CaseIterable {
    /// Routable, and its cached queue length is trusted.
    case healthy
    /// Its probes or requests fail for now: not drawn as a candidate (unless every routable replica
    /// is unavailable) until a background probe says it is back.
    case unavailable
    /// Removed from routing for good.
    case dead
    /// Finishing its work; takes no new requests.
    case draining
    /// Added and not yet answered a probe: a candidate, but not shown healthy before a probe says so.
    case probing
}
