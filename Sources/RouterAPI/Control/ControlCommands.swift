import Foundation

/// How a `RouterCommand` travels over the control API: which endpoint, with which JSON body.
public enum ControlCommands {
    /// The endpoint and body that carry `command`.
    public static func request(for command: RouterCommand) -> (endpoint: ControlEndpoint, body: Data) {
        func json(_ object: [String: Any]) -> Data {
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        }
        switch command {
        case .settings(let settings):
            return request(for: settings)
        case .setLoad(let rate):
            return (.setLoad, json(["requests_per_second": rate]))
        case .addReplica(let address):
            return (.addReplica, json(address.map { ["url": $0] } ?? [:]))
        case .removeReplica(let id):
            return (.remove(id), Data())
        case .drainReplica(let id):
            return (.drain(id), Data())
        case .undrainReplica(let id):
            return (.undrain(id), Data())
        case .injectFault(let id, let fault):
            switch fault {
            case .unavailable: return (.fault(id), json(["fault": "unavailable"]))
            case .kill: return (.fault(id), json(["fault": "kill"]))
            case .saturate: return (.fault(id), json(["fault": "saturate"]))
            case .slowProbe(let delay):
                return (.fault(id), json(["fault": "slow_probe", "delay_ms": Int(delay.millisecondsValue.rounded())]))
            }
        case .recover(let id):
            return (.recover(id), Data())
        case .stopRouting:
            return (.stop, Data())
        }
    }

    private static func request(for command: SettingsCommand) -> (endpoint: ControlEndpoint, body: Data) {
        switch command {
        case .apply(let settings):
            return (.putSettings, (try? JSONEncoder().encode(settings)) ?? Data())
        case .undo:
            return (.undoSettings, Data())
        case .applyOnTrial(let settings, let seconds, _):
            return (.trialSettings(seconds: seconds), (try? JSONEncoder().encode(settings)) ?? Data())
        case .confirm:
            return (.confirmSettings, Data())
        case .revert(_, let entry):
            return (.revertJournal(entry), Data())
        case .endSession:
            // Sent by no client (the server sees a session end when its stream closes): a harmless read.
            return (.getSettings, Data())
        }
    }

    /// The command a write endpoint's request asks for, or a 400 problem naming what is wrong.
    ///
    /// - Parameter settings: the live settings, under which a partial settings body is read.
    public static func command(
        for endpoint: ControlEndpoint, body: Data, settings: RouterSettings
    ) -> Result<RouterCommand, ControlEndpoint.Problem> {
        func noBody(_ command: RouterCommand) -> Result<RouterCommand, ControlEndpoint.Problem> {
            StrictJSON.object(body, fields: []).map { _ in command }
        }
        switch endpoint {
        case .putSettings:
            return SettingsPatch.apply(body, over: settings).map { .settings(.apply($0)) }
        case .trialSettings(let seconds):
            return SettingsPatch.apply(body, over: settings).map {
                .settings(.applyOnTrial($0, seconds: seconds, session: nil))
            }
        case .confirmSettings: return noBody(.settings(.confirm))
        case .undoSettings: return noBody(.settings(.undo))
        case .remove(let id): return noBody(.removeReplica(id))
        case .drain(let id): return noBody(.drainReplica(id))
        case .undrain(let id): return noBody(.undrainReplica(id))
        case .recover(let id): return noBody(.recover(id))
        case .stop: return noBody(.stopRouting)
        case .addReplica:
            return StrictJSON.object(body, fields: ["url"]).flatMap { object in
                guard let url = object["url"] else { return .success(.addReplica(address: nil)) }
                return StrictJSON.string(url, field: "url").map { .addReplica(address: $0) }
            }
        case .setLoad:
            return StrictJSON.object(body, fields: ["requests_per_second"]).flatMap { object in
                guard let rate = object["requests_per_second"] else {
                    return .failure(.init(status: 400, message: "requests_per_second is missing"))
                }
                return StrictJSON.number(rate, field: "requests_per_second").map { .setLoad(requestsPerSecond: $0) }
            }
        case .fault(let id):
            return StrictJSON.object(body, fields: ["fault", "delay_ms"]).flatMap { object in
                fault(from: object).map { .injectFault(id, $0) }
            }
        default:
            return .failure(.init(status: 400, message: "\(endpoint.request.target) changes nothing"))
        }
    }

    private static func fault(from object: [String: Any]) -> Result<SimulatedFault, ControlEndpoint.Problem> {
        let names = "unavailable, kill, slow_probe, saturate"
        guard let value = object["fault"] else {
            return .failure(.init(status: 400, message: "fault is missing; it must be one of \(names)"))
        }
        return StrictJSON.string(value, field: "fault").flatMap { name in
            switch name {
            case "unavailable": return .success(.unavailable)
            case "kill": return .success(.kill)
            case "saturate": return .success(.saturate)
            case "slow_probe":
                let delay = object["delay_ms"].map { StrictJSON.number($0, field: "delay_ms") } ?? .success(300)
                return delay.flatMap { ms in
                    guard ms.isFinite, ms >= 0, ms <= 600_000 else {
                        return .failure(.init(status: 400, message: "delay_ms=\(ms) must be from 0 to 600000"))
                    }
                    return .success(.slowProbe(delay: .milliseconds(Int64(ms.rounded()))))
                }
            default:
                return .failure(.init(status: 400, message: "fault \"\(name)\" is not one of \(names)"))
            }
        }
    }
}

/// The JSON answer to a command: whether it was done, and what the router said.
public struct CommandReply: Codable, Equatable, Sendable {
    public var result: String
    public var message: String

    public init(_ result: CommandResult) {
        switch result {
        case .done(let message): self.result = "done"; self.message = message
        case .refused(let message): self.result = "refused"; self.message = message
        }
    }

    public var commandResult: CommandResult { result == "done" ? .done(message) : .refused(message) }
}

/// The JSON answer to a request that was refused before reaching the router.
public struct ErrorReply: Codable, Equatable, Sendable {
    public var error: String

    public init(error: String) { self.error = error }
}

/// The answer to `GET /v1/events?after=N`.
public struct EventsReply: Codable, Equatable, Sendable {
    public var events: [RouterEvent]
    /// Events after `after` that the router no longer keeps (its log is bounded).
    public var missed: UInt64

    public init(events: [RouterEvent], missed: UInt64) {
        self.events = events
        self.missed = missed
    }

    /// The events of `snapshot` numbered after `after`, and how many in between were dropped.
    public static func after(_ after: UInt64, in snapshot: RouterSnapshot) -> EventsReply {
        let kept = snapshot.events.filter { $0.sequence > after }
        let oldest = kept.first?.sequence ?? (snapshot.events.last.map { $0.sequence + 1 } ?? after + 1)
        return EventsReply(events: kept, missed: oldest > after + 1 ? oldest - after - 1 : 0)
    }
}
