import Foundation
import RouterAPI
import RouterFleet

/// The routers `routertop fleet` watches: the ones named, or every socket in the runtime
/// directory, joining as they appear and marked gone when their socket goes. UI thread only.
public final class FleetSource {
    /// Where the routers come from.
    public enum Roster {
        /// Exactly these, for the whole run.
        case fixed([(name: String, target: AttachTarget)])
        /// Whatever this returns now (the sockets of the runtime directory), asked again each refresh.
        case discovered(() -> [(name: String, target: AttachTarget)])
    }

    /// How many routers that left are still listed as gone; the oldest goes first.
    public static let maxGone = 64

    private let roster: Roster
    private let makeClient: (AttachTarget) -> ControlClient
    private let interval: Int
    private var links: [String: (link: FleetLink, target: AttachTarget)] = [:]
    private var gone: [(name: String, address: String, since: UTCTime, kind: RouterKind?)] = []

    public init(roster: Roster, intervalMilliseconds: Int, makeClient: @escaping (AttachTarget) -> ControlClient) {
        self.roster = roster
        self.interval = intervalMilliseconds
        self.makeClient = makeClient
    }

    /// Starts links for routers that appeared and retires those whose socket went.
    public func refresh() {
        let now: [(name: String, target: AttachTarget)]
        switch roster {
        case .fixed(let targets): now = targets
        case .discovered(let find): now = find()
        }
        let names = Set(now.map(\.name))
        for (name, entry) in links where !names.contains(name) {
            let kind = entry.link.member().kind
            entry.link.stop()
            links[name] = nil
            gone.append((name, entry.target.description, UTCTime.now(), kind))
            if gone.count > Self.maxGone { gone.removeFirst(gone.count - Self.maxGone) }
        }
        for (name, target) in now where links[name] == nil {
            let link = FleetLink(name: name, client: makeClient(target), intervalMilliseconds: interval)
            links[name] = (link, target)
            gone.removeAll { $0.name == name }
            link.start()
        }
    }

    /// The fleet now, filtered by `select` (a glob on the name, the kind or the group); `previous`
    /// lends its merged replicas when no table changed since it was made.
    public func fleet(select: String?, previous: Fleet? = nil) -> Fleet {
        var members = links.values.map { $0.link.member() }
        members += gone.map { FleetMember(name: $0.name, address: $0.address, link: .gone(since: $0.since), kind: $0.kind) }
        if let select {
            members = members.filter { member in
                [member.name, member.kind?.rawValue ?? "", member.group].contains { Glob.matches(select, $0) }
            }
        }
        return Fleet(members: members, previous: previous)
    }

    /// Where the router called `name` is reached.
    public func target(named name: String) -> AttachTarget? { links[name]?.target }

    /// Bytes and snapshots received per router, for the measurement script.
    public var received: [String: (snapshots: Int, bytes: Int)] {
        links.mapValues { $0.link.received }
    }

    public func stop() {
        for entry in links.values { entry.link.stop() }
        links.removeAll()
    }
}

/// Shell-style globs (`edge-*`, `ray`, `proxy?`) for `--select`.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}
