import Foundation
import RouterEngine
import Synchronization

/// A stand-in fleet behind `RouterControl` until the simulated fleet lands: replicas whose queues
/// move with time, and commands that change settings, faults and replicas and log what they did.
final class DevelopmentFleet: RouterControl {
    private struct State {
        var settings: RouterSettings
        var previousSettings: [RouterSettings] = []
        var replicas: [ReplicaSnapshot]
        var events: [RouterEvent] = []
        var load: Double = 50
        var added = 0
    }

    private let startupSettings: RouterSettings
    private let started = ContinuousClock.now
    private let state: Mutex<State>

    init(replicas count: Int, settings: RouterSettings) {
        startupSettings = settings
        let replicas = (0..<count).map { DevelopmentFleet.replica(index: $0) }
        state = Mutex(State(settings: settings, replicas: replicas))
    }

    func latestSnapshot() -> RouterSnapshot {
        let time = now
        return state.withLock { state in
            let tick = Double(time.nanoseconds) / 1e9
            let replicas = state.replicas.enumerated().map { index, replica in
                var replica = replica
                guard replica.state == .healthy else { return replica }
                // Whole-second steps: the table changes about once a second, as a live one would.
                let phase = (tick.rounded(.down) + Double(index)) * 0.7
                replica.queueLength = Int((Double(replica.maxOngoingRequests) * (0.5 + 0.5 * sin(phase))).rounded())
                replica.inFlight = replica.queueLength
                return replica
            }
            return RouterSnapshot(
                time: time, mode: .simulated, settings: state.settings, startupSettings: startupSettings,
                legacyBackoff: false, locality: Locality(node: "node-a", zone: "zone-1"), totals: RequestTotals(),
                routingTasks: 0, maxRoutingTasks: min(50, 2 * replicas.count), tasksInBackoff: 0,
                rateIn: state.load, rateOut: state.load, fulfillment: LatencySummary(), replicas: replicas,
                backoffTimers: [], attemptsHistogram: [], retries: RetryTotals(), events: state.events,
                simulation: SimulationStatus(requestsPerSecond: state.load, arrival: .poisson)
            )
        }
    }

    func perform(_ command: RouterCommand, by origin: CommandOrigin, completion: @escaping @Sendable (CommandResult) -> Void) {
        let time = now
        let result = state.withLock { state in
            let result = DevelopmentFleet.carryOut(command, by: origin, on: &state)
            if case .done(let message) = result {
                state.events.append(RouterEvent(time: time, kind: .info, message: message))
                if state.events.count > 200 { state.events.removeFirst(state.events.count - 200) }
            }
            return result
        }
        completion(result)
    }

    private var now: EngineTime {
        EngineTime(nanoseconds: (ContinuousClock.now - started).nanosecondsClamped)
    }

    private static func carryOut(_ command: RouterCommand, by origin: CommandOrigin, on state: inout State) -> CommandResult {
        switch command {
        case .applySettings(let settings):
            do throws(ConfigurationError) {
                try SettingsValidator.validate(settings)
            } catch {
                return .refused(error.description)
            }
            let changes = RouterSettingKey.allCases.filter { state.settings[$0] != settings[$0] }.map {
                "\($0.label) \(SettingText.format(state.settings[$0])) → \(SettingText.format(settings[$0]))"
            }
            state.previousSettings.append(state.settings)
            state.settings = settings
            return .done("settings: \(changes.joined(separator: ", ")) by \(origin)")
        case .undoSettings:
            guard let previous = state.previousSettings.popLast() else { return .refused("nothing to undo") }
            state.settings = previous
            return .done("settings restored by \(origin)")
        case .setLoad(let rate):
            state.load = rate
            return .done("load \(SettingText.format(rate)) req/s by \(origin)")
        case .addReplica:
            state.added += 1
            let replica = replica(index: state.replicas.count + state.added * 1000)
            state.replicas.append(replica)
            return .done("\(replica.id) added by \(origin)")
        case .removeReplica(let id), .drainReplica(let id):
            return update(id, in: &state) { $0.state = .draining } ?? .done("\(id) draining by \(origin)")
        case .injectFault(let id, let fault):
            let newState: ReplicaState = fault == .kill ? .dead : (fault == .unavailable ? .unavailable : .healthy)
            return update(id, in: &state) {
                $0.state = newState
                $0.fault = "\(fault)"
            } ?? .done("\(id): fault \(fault) injected by \(origin)")
        case .recover(let id):
            return update(id, in: &state) {
                $0.state = .healthy
                $0.fault = nil
            } ?? .done("\(id) recovered by \(origin)")
        }
    }

    /// Changes one replica; a refusal when it is unknown, else nil.
    private static func update(_ id: ReplicaID, in state: inout State, _ change: (inout ReplicaSnapshot) -> Void) -> CommandResult? {
        guard let index = state.replicas.firstIndex(where: { $0.id == id }) else { return .refused("no replica \(id)") }
        change(&state.replicas[index])
        return nil
    }

    private static func replica(index: Int) -> ReplicaSnapshot {
        ReplicaSnapshot(
            id: ReplicaID("replica-\(index + 1)"), node: index % 2 == 0 ? "node-a" : "node-b",
            zone: index % 4 < 2 ? "zone-1" : "zone-2", state: .healthy, maxOngoingRequests: 5, queueLength: 0,
            queueSource: .cache, inFlight: 0, routed: 0, completed: 0, rejected: 0, probeTimeouts: 0,
            retriesAttributed: 0, rate: 0, rateHistory: []
        )
    }
}
