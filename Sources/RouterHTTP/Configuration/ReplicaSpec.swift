/// One HTTP replica as the operator configured it.
public struct ReplicaSpec: Equatable, Sendable {
    public var address: ReplicaAddress
    public var node: String
    public var zone: String
    public var maxOngoingRequests: Int

    /// Without a node, a replica's node is its host; without a zone, it is in no zone ("-").
    public init(address: ReplicaAddress, node: String? = nil, zone: String? = nil, maxOngoingRequests: Int = 5) {
        self.address = address
        self.node = node ?? address.host
        self.zone = zone ?? "-"
        self.maxOngoingRequests = maxOngoingRequests
    }
}
