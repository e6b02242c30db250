import RouterAPI

/// Which locality tier the router draws from first, in words for the replica table's title: why
/// the replicas on the router's own node get most of the traffic.
enum LocalityTierText {
    /// "prefers node node-a (4 of 8)", "prefers zone zone-1 (2 of 8)", "no replica on node-a/zone-1:
    /// all 8", or "no locality preference"; counts are of the replicas that can be routed to.
    static func text(_ snapshot: RouterSnapshot) -> String {
        let locality = snapshot.locality
        // The engine's tiers hold the replicas it may route to: healthy, or unavailable but still tried.
        let routable = snapshot.replicas.filter { $0.state == .healthy || $0.state == .unavailable }
        guard locality.preferLocal else { return "no locality preference" }
        let onNode = routable.filter { $0.node == locality.node }.count
        if onNode > 0 { return "prefers node \(locality.node) (\(onNode) of \(routable.count))" }
        let inZone = routable.filter { $0.zone == locality.zone }.count
        if inZone > 0 { return "prefers zone \(locality.zone) (\(inZone) of \(routable.count))" }
        return "no replica on \(locality.node)/\(locality.zone): all \(routable.count)"
    }
}
