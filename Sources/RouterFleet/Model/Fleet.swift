import RouterAPI

/// Every router of the fleet at one moment, and the views computed over them: pure data, no I/O.
public struct Fleet: Sendable {
    /// In name order; the screen selects by index into this.
    public private(set) var members: [FleetMember]

    public init(members: [FleetMember]) {
        self.members = members.sorted { $0.name < $1.name }
    }

    /// The routers answering now, with their snapshots.
    public var live: [(name: String, snapshot: RouterSnapshot)] {
        members.compactMap { member in member.snapshot.map { (member.name, $0) } }
    }

    /// Members per group (`app/deployment` for Ray routers, the kind otherwise), groups in name order.
    public var groups: [(group: String, members: [String])] {
        var grouped: [String: [String]] = [:]
        for member in members { grouped[member.group, default: []].append(member.name) }
        return grouped.keys.sorted().map { ($0, grouped[$0] ?? []) }
    }

    /// The fleet's most common value of each setting and the routers that differ from it.
    public var settings: FleetSettings { FleetSettings(live) }

    /// The replicas merged over the live routers, by id.
    public var replicas: [FleetReplica] { FleetReplica.merge(live) }

    /// The live routers' events in wall-clock order, newest last, at most `limit`.
    public func events(limit: Int) -> [FleetEvent] { FleetEvent.merge(live, limit: limit) }
}
