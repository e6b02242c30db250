import Foundation

/// One endpoint of the control API, parsed from a request's method and target.
///
/// Shared by the server, which answers it, and the attach client, which builds requests from it.
public enum ControlEndpoint: Equatable, Sendable {
    case snapshot
    /// A stream of snapshots, one JSON line every `intervalMilliseconds`.
    case snapshots(intervalMilliseconds: Int)
    /// `GET /v1/snapshot?view=summary`: the lighter snapshot a fleet reads.
    case summary
    /// `GET /v1/snapshots?interval_ms=N&view=summary`: summaries, each with only the events not sent before.
    case summaries(intervalMilliseconds: Int)
    /// `GET /v1/snapshots?interval_ms=N&view=delta`: the whole snapshot, then lines with only what
    /// changed since the one before (`RouterSnapshot.delta(after:)`), for `attach`.
    case deltas(intervalMilliseconds: Int)
    case getSettings
    case putSettings
    case undoSettings
    case events(after: UInt64)
    case addReplica
    case drain(ReplicaID)
    case undrain(ReplicaID)
    case remove(ReplicaID)
    /// Simulated fleet: inject a fault into a replica, or clear its faults.
    case fault(ReplicaID)
    case recover(ReplicaID)
    /// Simulated fleet: the synthetic load.
    case setLoad
    /// Stop the router's process, finishing what is in flight.
    case stop
    case trace(requestID: String)
    case traces(last: Int)
    case metrics
    /// `PUT /v1/settings?confirm_within_s=N`: settings on trial.
    case trialSettings(seconds: Int)
    /// Keep the settings on trial.
    case confirmSettings
    /// The journal's entries numbered after `after`.
    case journal(after: UInt64)
    /// Go back to the settings just after journal entry `sequence`.
    case revertJournal(UInt64)
    /// The router's recent traffic.
    case recording
    /// The recorded traffic replayed under the live settings and a patch of them; changes nothing.
    case whatIf
    /// A search of the backoff settings over the recorded traffic; changes nothing.
    case suggest

    /// The smallest and largest snapshot stream interval, and the one used when none is given
    /// (the dashboard's refresh).
    public static let streamIntervals = 50...60_000
    public static let defaultStreamInterval = DashboardRefresh.defaultMilliseconds
    /// The most traces one request returns.
    public static let maxTraces = 1000

    /// True when the endpoint changes the router; only callers allowed to write may use it.
    public var isWrite: Bool {
        switch self {
        case .snapshot, .snapshots, .summary, .summaries, .deltas, .getSettings, .events, .trace, .traces, .metrics,
             .journal, .recording, .whatIf, .suggest: false
        case .putSettings, .undoSettings, .addReplica, .drain, .undrain, .remove, .fault, .recover, .setLoad, .stop,
             .trialSettings, .confirmSettings, .revertJournal: true
        }
    }

    /// Why a request names no endpoint: the HTTP status and a sentence naming the problem.
    public struct Problem: Error, Equatable, Sendable {
        public var status: Int
        public var message: String

        public init(status: Int, message: String) {
            self.status = status
            self.message = message
        }
    }

    /// Parses a request line's method and target (`/v1/events?after=12`).
    public static func parse(method: String, target: String) -> Result<ControlEndpoint, Problem> {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts.first ?? "")
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                let value = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
                query[name] = value
            }
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        func only(_ allowed: String, _ endpoint: ControlEndpoint) -> Result<ControlEndpoint, Problem> {
            guard method == allowed else {
                return .failure(Problem(status: 405, message: "\(method) is not allowed on \(path); use \(allowed)"))
            }
            return .success(endpoint)
        }
        func number(_ name: String, default value: Int, in range: ClosedRange<Int>) -> Result<Int, Problem> {
            guard let text = query[name] else { return .success(value) }
            guard let parsed = Int(text), range.contains(parsed) else {
                return .failure(Problem(
                    status: 400,
                    message: "\(name)=\(text) is not a whole number from \(range.lowerBound) to \(range.upperBound)"
                ))
            }
            return .success(parsed)
        }
        switch segments {
        case ["metrics"]:
            return only("GET", .metrics)
        case ["v1", "snapshot"], ["v1", "snapshots"]:
            let view: SnapshotView
            switch query["view"] {
            case nil, "full": view = .full
            case "summary": view = .summary
            case "delta": view = .delta
            case let other?:
                return .failure(Problem(status: 400,
                                        message: "view=\(other) is not a snapshot view; it must be full, summary or delta"))
            }
            guard segments[1] == "snapshots" else {
                switch view {
                case .full: return only("GET", .snapshot)
                case .summary: return only("GET", .summary)
                case .delta:
                    return .failure(Problem(status: 400, message:
                        "view=delta is for the stream (GET /v1/snapshots): a single snapshot is whole"))
                }
            }
            return number("interval_ms", default: defaultStreamInterval, in: streamIntervals).flatMap { interval in
                switch view {
                case .full: only("GET", .snapshots(intervalMilliseconds: interval))
                case .summary: only("GET", .summaries(intervalMilliseconds: interval))
                case .delta: only("GET", .deltas(intervalMilliseconds: interval))
                }
            }
        case ["v1", "settings"]:
            if method == "PUT", query["confirm_within_s"] != nil {
                return number("confirm_within_s", default: 0, in: 1...TrialStatus.maxSeconds)
                    .map { .trialSettings(seconds: $0) }
            }
            if method == "PUT" { return .success(.putSettings) }
            return only("GET", .getSettings)
        case ["v1", "settings", "undo"]:
            return only("POST", .undoSettings)
        case ["v1", "settings", "confirm"]:
            return only("POST", .confirmSettings)
        case ["v1", "journal"]:
            guard let text = query["after"] else { return only("GET", .journal(after: 0)) }
            guard let after = UInt64(text) else {
                return .failure(Problem(status: 400, message: "after=\(text) is not a journal number (a whole number ≥ 0)"))
            }
            return only("GET", .journal(after: after))
        case let s where s.count == 4 && s[0] == "v1" && s[1] == "journal" && s[3] == "revert":
            guard let sequence = UInt64(s[2]), sequence > 0 else {
                return .failure(Problem(status: 400, message: "\(s[2]) is not a journal entry number (a whole number ≥ 1)"))
            }
            return only("POST", .revertJournal(sequence))
        case ["v1", "events"]:
            guard let text = query["after"] else { return only("GET", .events(after: 0)) }
            guard let after = UInt64(text) else {
                return .failure(Problem(status: 400, message: "after=\(text) is not an event number (a whole number ≥ 0)"))
            }
            return only("GET", .events(after: after))
        case ["v1", "stop"]:
            return only("POST", .stop)
        case ["v1", "recording"]:
            return only("GET", .recording)
        case ["v1", "whatif"]:
            return only("POST", .whatIf)
        case ["v1", "suggest"]:
            return only("POST", .suggest)
        case ["v1", "load"]:
            return only("POST", .setLoad)
        case ["v1", "replicas"]:
            return only("POST", .addReplica)
        case let s where s.count == 3 && s[0] == "v1" && s[1] == "replicas":
            return only("DELETE", .remove(ReplicaID(s[2])))
        case let s where s.count == 4 && s[0] == "v1" && s[1] == "replicas":
            let id = ReplicaID(s[2])
            switch s[3] {
            case "drain": return only("POST", .drain(id))
            case "undrain": return only("POST", .undrain(id))
            case "fault": return only("POST", .fault(id))
            case "recover": return only("POST", .recover(id))
            default: break
            }
        case let s where s.count == 3 && s[0] == "v1" && s[1] == "trace":
            return only("GET", .trace(requestID: s[2]))
        case ["v1", "traces"]:
            return number("last", default: 20, in: 1...maxTraces).flatMap { only("GET", .traces(last: $0)) }
        default:
            break
        }
        return .failure(Problem(status: 404, message: "no endpoint \(method) \(path); see GET /v1/snapshot and the README's API table"))
    }

    /// The method and target that reach this endpoint, for a client.
    public var request: (method: String, target: String) {
        func escaped(_ id: ReplicaID) -> String {
            id.rawValue.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id.rawValue
        }
        switch self {
        case .snapshot: return ("GET", "/v1/snapshot")
        case .snapshots(let interval): return ("GET", "/v1/snapshots?interval_ms=\(interval)")
        case .summary: return ("GET", "/v1/snapshot?view=summary")
        case .summaries(let interval): return ("GET", "/v1/snapshots?interval_ms=\(interval)&view=summary")
        case .deltas(let interval): return ("GET", "/v1/snapshots?interval_ms=\(interval)&view=delta")
        case .getSettings: return ("GET", "/v1/settings")
        case .putSettings: return ("PUT", "/v1/settings")
        case .undoSettings: return ("POST", "/v1/settings/undo")
        case .events(let after): return ("GET", "/v1/events?after=\(after)")
        case .addReplica: return ("POST", "/v1/replicas")
        case .drain(let id): return ("POST", "/v1/replicas/\(escaped(id))/drain")
        case .undrain(let id): return ("POST", "/v1/replicas/\(escaped(id))/undrain")
        case .remove(let id): return ("DELETE", "/v1/replicas/\(escaped(id))")
        case .fault(let id): return ("POST", "/v1/replicas/\(escaped(id))/fault")
        case .recover(let id): return ("POST", "/v1/replicas/\(escaped(id))/recover")
        case .setLoad: return ("POST", "/v1/load")
        case .stop: return ("POST", "/v1/stop")
        case .trace(let id): return ("GET", "/v1/trace/\(id)")
        case .traces(let last): return ("GET", "/v1/traces?last=\(last)")
        case .metrics: return ("GET", "/metrics")
        case .trialSettings(let seconds): return ("PUT", "/v1/settings?confirm_within_s=\(seconds)")
        case .confirmSettings: return ("POST", "/v1/settings/confirm")
        case .journal(let after): return ("GET", "/v1/journal?after=\(after)")
        case .revertJournal(let sequence): return ("POST", "/v1/journal/\(sequence)/revert")
        case .recording: return ("GET", "/v1/recording")
        case .whatIf: return ("POST", "/v1/whatif")
        case .suggest: return ("POST", "/v1/suggest")
        }
    }
}
