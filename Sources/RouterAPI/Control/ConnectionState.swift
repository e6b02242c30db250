import Foundation

/// How a dashboard reaches the router it shows: in the same process, or over the control API.
public enum ConnectionState: Equatable, Sendable, Codable {
    /// The router runs in this process; there is nothing to lose.
    case inProcess
    /// Snapshots arrive from the router at `address`.
    case connected(address: String)
    /// The connection was lost at `since`; the screen keeps the last snapshot while it reconnects.
    case reconnecting(address: String, since: Date)
    /// Connected, but no snapshot has arrived since `since`: the screen may be out of date.
    case stale(address: String, since: Date)
    /// The router at `address` is gone: its socket refuses, or the process this dashboard started
    /// has exited. Nothing routes; the screen shows the last snapshot as the last known state.
    case stopped(address: String, since: Date)

    /// True when the screen may not show the router as it is now.
    public var isStale: Bool {
        switch self {
        case .inProcess, .connected: false
        case .reconnecting, .stale, .stopped: true
        }
    }

    /// True when no router is there at all, as opposed to one that is alive but not answering.
    public var routerStopped: Bool {
        if case .stopped = self { return true }
        return false
    }

    /// Words for the header: "connected", "reconnecting since 12:03:04 (5 s)", "stale since …",
    /// "router stopped 12:03:04 UTC: not routing".
    public func text(now: Date) -> String {
        switch self {
        case .inProcess: ""
        case .connected: "connected"
        case .reconnecting(_, let since): "reconnecting since \(Self.clock(since)) (\(Self.age(since, now)))"
        case .stale(_, let since): "stale since \(Self.clock(since)) (\(Self.age(since, now)))"
        case .stopped(_, let since): "router stopped \(Self.clock(since)): not routing"
        }
    }

    /// `HH:MM:SS UTC` of `date`.
    public static func clock(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let day = ((seconds % 86_400) + 86_400) % 86_400
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(day / 3600)):\(two(day / 60 % 60)):\(two(day % 60)) UTC"
    }

    private static func age(_ since: Date, _ now: Date) -> String {
        "\(max(0, Int(now.timeIntervalSince(since).rounded(.down)))) s"
    }
}
