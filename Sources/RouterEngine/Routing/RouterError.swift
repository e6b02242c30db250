/// An operation on the replica set that the router refused.
public struct RouterError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }

    static func duplicate(_ id: ReplicaID) -> RouterError { RouterError("replica \(id) is already in the replica set") }
    static func unknown(_ id: ReplicaID) -> RouterError { RouterError("there is no replica \(id)") }
}
