/// A request's number, unique within one router.
public struct RequestID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    public var description: String { PrefixedNumber.text("req", rawValue) }
    public static func < (lhs: RequestID, rhs: RequestID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Reads `req-12` or `12`, as an operator may type it.
    public init?(text: String) {
        guard let number: UInt64 = PrefixedNumber.number("req", text) else { return nil }
        self.init(number)
    }

    /// In JSON a request id is a string: `req-12`.
    public init(from decoder: any Decoder) throws {
        rawValue = try PrefixedNumber.decode("req", from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Why a request failed. Every failed request has exactly one.
public enum FailureReason: String, CaseIterable, Sendable, Codable, CodingKeyRepresentable {
    /// The replica failed and the request could not be routed again (re-routes exhausted, or unsafe).
    case replicaError = "replica_error"
    /// No replica was found within the routing timeout.
    case routingTimeout = "routing_timeout"
    /// The pending queue was full when it arrived.
    case shed = "shed"
    /// The client gave up.
    case cancelled = "cancelled"
    /// The whole request took longer than the request timeout.
    case requestTimeout = "request_timeout"
}

/// How a request ended.
public enum RequestResult: Equatable, Sendable, Codable {
    case completed(ReplicaID)
    case failed(FailureReason)
}
