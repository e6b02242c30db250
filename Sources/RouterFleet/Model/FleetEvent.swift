import RouterAPI

/// One event of one router, for the fleet's single event log.
public struct FleetEvent: Equatable, Sendable {
    public var router: String
    public var event: RouterEvent

    /// The events of `routers` in wall-clock order (`time_utc`; ties by router name, then by the
    /// router's own numbering), keeping the newest `limit`.
    public static func merge(_ routers: [(name: String, snapshot: RouterSnapshot)], limit: Int) -> [FleetEvent] {
        guard limit > 0 else { return [] }
        var all: [FleetEvent] = []
        for router in routers {
            all.append(contentsOf: router.snapshot.events.suffix(limit).map { FleetEvent(router: router.name, event: $0) })
        }
        all.sort { a, b in
            if a.event.timeUTC != b.event.timeUTC { return a.event.timeUTC < b.event.timeUTC }
            if a.router != b.router { return a.router < b.router }
            return a.event.sequence < b.event.sequence
        }
        return Array(all.suffix(limit))
    }
}
