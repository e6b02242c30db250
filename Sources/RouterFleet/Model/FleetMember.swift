import RouterAPI

/// One router of the fleet as the fleet screen knows it: where it is and what it last said.
public struct FleetMember: Sendable {
    /// Whether the router's figures are live.
    public enum Link: Sendable {
        /// Asked, no answer yet.
        case connecting
        case live(RouterSnapshot)
        /// It stopped answering at `since`; its last figures are kept out of every table and sum.
        case unreachable(since: UTCTime, reason: String)
        /// Its socket went away at `since` (the router stopped).
        case gone(since: UTCTime)

        public var snapshot: RouterSnapshot? {
            if case .live(let snapshot) = self { return snapshot }
            return nil
        }
    }

    /// The name the fleet shows: the socket's name, or the target as given.
    public var name: String
    /// Where it is reached: a socket path or `http://HOST:PORT`.
    public var address: String
    public var link: Link
    /// What kind of router it was when it last answered (kept while it does not answer).
    public var kind: RouterKind?
    /// Goes up when its replica table changes; nil when unknown. Two fleets whose live routers
    /// have the same versions have the same replicas, so the merge is not done again.
    public var replicaVersion: Int?

    public init(name: String, address: String, link: Link, kind: RouterKind? = nil) {
        self.name = name
        self.address = address
        self.link = link
        self.kind = kind ?? (link.snapshot?.mode.kind)
    }

    /// The live snapshot; nil while the router is not answering.
    public var snapshot: RouterSnapshot? { link.snapshot }

    /// `live`, `connecting`, `unreachable since 14:03:22`, `gone since 14:03:22`.
    public var stateText: String {
        switch link {
        case .connecting: "connecting"
        case .live: "live"
        case .unreachable(let since, _): "unreachable since \(since.clockText)"
        case .gone(let since): "gone since \(since.clockText)"
        }
    }

    /// What the router routes for: `app/deployment` for a Ray router, otherwise its kind.
    public var group: String {
        guard let snapshot else { return "-" }
        if let ray = snapshot.router.ray { return "\(ray.application)/\(ray.deployment)" }
        return snapshot.mode.kind.rawValue
    }
}
