import RouterFleet
import RouterAPI

/// Snapshots small enough to read in a test: replicas with chosen queue lengths and states.
enum FleetFixtures {
    static func replica(_ id: String, queue: Int, state: ReplicaState = .healthy, inFlight: Int = 1,
                        routed: Int = 10) -> ReplicaSnapshot {
        ReplicaSnapshot(id: ReplicaID(id), node: "node-a", zone: "zone-1", state: state, maxOngoingRequests: 5,
                        queueLength: queue, queueSource: .probe, inFlight: inFlight, routed: routed, completed: routed, rejected: 0,
                        probeTimeouts: 0, retriesAttributed: 0,
                        rate: 1, rateHistory: [])
    }

    static func snapshot(name: String, replicas: [ReplicaSnapshot] = [], settings: RouterSettings = .defaults,
                         events: [RouterEvent] = [], p50Milliseconds: Int = 1, backoff: Int = 0) -> RouterSnapshot {
        var snapshot = RouterSnapshot(
            time: .seconds(10), mode: .proxy(listen: "127.0.0.1:8000"), settings: settings, startupSettings: settings,
            legacyBackoff: false, locality: Locality(node: "node-a", zone: "zone-1"), totals: RequestTotals(),
            routingTasks: 0, maxRoutingTasks: 10, tasksInBackoff: backoff, rateIn: 1, rateOut: 1,
            fulfillment: LatencySummary(count: 1, p50: .milliseconds(p50Milliseconds), p99: .milliseconds(p50Milliseconds * 4)),
            replicas: replicas, backoffTimers: [], attemptsHistogram: [], retries: RetryTotals(), events: events
        )
        snapshot.router.name = name
        return snapshot
    }

    static func event(_ message: String, utc milliseconds: Int64, sequence: UInt64) -> RouterEvent {
        RouterEvent(time: .seconds(1), timeUTC: UTCTime(milliseconds: milliseconds), kind: .info, message: message,
                    sequence: sequence)
    }

    static func live(_ name: String, _ snapshot: RouterSnapshot) -> FleetMember {
        FleetMember(name: name, address: "/run/\(name).sock", link: .live(snapshot))
    }
}


