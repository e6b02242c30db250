import RouterAPI

/// Turns the router's snapshots into Prometheus metrics for `GET /metrics`.
public final class RouterMetrics: Sendable {
    public init() {}

    /// The metrics in Prometheus text format, brought up to date with `snapshot`.
    func exposition(for snapshot: RouterSnapshot) -> [UInt8] {
        []
    }
}
