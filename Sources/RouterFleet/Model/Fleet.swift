import RouterAPI

/// Every router of the fleet at one moment, and the views computed over them: pure data, no I/O.
///
/// The views are computed once, when the fleet is made (once per refresh), not per frame; the
/// replica merge (16 routers of 1,024 replicas each: 16,384 rows) only when a table changed.
public struct Fleet: Sendable {
    /// In name order; the screen selects by index into this.
    public let members: [FleetMember]
    /// The routers answering now, with their snapshots.
    public let live: [(name: String, snapshot: RouterSnapshot)]
    /// Members per group (`app/deployment` for Ray routers, the kind otherwise), groups in name order.
    public let groups: [(group: String, members: [String])]
    /// The fleet's most common value of each setting and the routers that differ from it.
    public let settings: FleetSettings
    /// The replicas merged over the live routers, by id.
    public let replicas: [FleetReplica]
    /// The live routers' names and replica versions the merge was made from; nil when some
    /// version is unknown.
    private let mergedFrom: [String: Int]?

    /// - Parameter previous: the fleet of the last refresh, whose merged replicas are kept when no
    ///   live router's replica table changed since.
    public init(members: [FleetMember], previous: Fleet? = nil) {
        self.members = members.sorted { $0.name < $1.name }
        let live = self.members.compactMap { member in member.snapshot.map { (name: member.name, snapshot: $0) } }
        self.live = live
        var grouped: [String: [String]] = [:]
        for member in self.members { grouped[member.group, default: []].append(member.name) }
        self.groups = grouped.keys.sorted().map { ($0, grouped[$0] ?? []) }
        self.settings = FleetSettings(live)
        var versions: [String: Int]? = [:]
        for member in self.members where member.snapshot != nil {
            guard let version = member.replicaVersion else { versions = nil; break }
            versions?[member.name] = version
        }
        self.mergedFrom = versions
        if let versions, let previous, previous.mergedFrom == versions {
            self.replicas = previous.replicas
        } else {
            self.replicas = FleetReplica.merge(live)
        }
    }

    /// The live routers' events in wall-clock order, newest last, at most `limit`.
    public func events(limit: Int) -> [FleetEvent] { FleetEvent.merge(live, limit: limit) }
}
