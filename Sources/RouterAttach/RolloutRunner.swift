import Foundation
import NIOConcurrencyHelpers
import NIOCore
import RouterAPI
import RouterFleet

/// Carries a `RolloutMachine`'s actions out against real routers, one request at a time.
///
/// Each router's trial is tied to a session of this process (a snapshot stream sent with the same
/// `x-routertop-session` as the trial): ending the stream reverts the trial at once, and so does
/// this process dying. A router that keeps the change after its confirmation is reverted by
/// setting its old values back. Every request carries the rollout's id and targets, which each
/// router journals with its part.
public final class RolloutRunner: Sendable {
    /// One router of the rollout: its name and how to reach it.
    public struct Target: Sendable {
        public var name: String
        public var client: ControlClient

        public init(name: String, client: ControlClient) {
            self.name = name
            self.client = client
        }
    }

    /// What the runner reports while it works.
    public enum Progress: Sendable {
        /// The machine asked for this (`trial`, `confirm`, …).
        case step(RolloutMachine.Action, outcomes: [String: RolloutOutcome])
        /// The canary beside the rest, refreshed each second of the watch.
        case comparison(CanaryComparison, secondsLeft: Int)
    }

    private struct Session {
        var id: String
        var stream: (any Channel)?
        /// The router's settings before the change, to set back after a confirmation.
        var before: RouterSettings?
    }

    private let plan: RolloutPlan
    private let targets: [String: Target]
    private let sessions = NIOLockedValueBox([String: Session]())
    private let cancelRequested = NIOLockedValueBox(false)

    public init(plan: RolloutPlan, targets: [Target]) {
        self.plan = plan
        self.targets = Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Asks the rollout to stop and revert; it does so once the request under way is answered.
    public func cancel() { cancelRequested.withLockedValue { $0 = true } }

    /// Runs the rollout to its end; blocks. `progress` is called on this thread.
    public func run(progress: (Progress) -> Void = { _ in }) -> RolloutReport {
        var machine = RolloutMachine(plan: plan)
        var action = machine.handle(.start)
        var cancelSent = false
        defer { closeSessions() }
        while true {
            if !cancelSent, cancelRequested.withLockedValue({ $0 }) {
                cancelSent = true
                let now = machine.handle(.cancel)
                if now != .none { action = now }
            }
            progress(.step(action, outcomes: machine.outcomes))
            switch action {
            case .trial(let name):
                action = machine.handle(.trialAnswered(name, trial(name)))
            case .watchCanary(let canary, let seconds):
                watch(canary: canary, seconds: seconds, progress: progress)
                if !cancelSent, cancelRequested.withLockedValue({ $0 }) {
                    cancelSent = true
                    action = machine.handle(.cancel)
                } else {
                    action = machine.handle(.watchEnded)
                }
            case .confirm(let name):
                action = machine.handle(.confirmAnswered(name, confirm(name)))
            case .revert(let name, let confirmed):
                action = machine.handle(.revertAnswered(name, confirmed ? setBack(name) : endTrial(name)))
            case .finished(let report):
                return report
            case .none:
                preconditionFailure("rollout \(plan.id): the machine waits for nothing, yet asks nothing")
            }
        }
    }

    private func headers(session: String?) -> [(String, String)] {
        var headers = [(RolloutMark.idHeader, plan.id), (RolloutMark.targetsHeader, plan.mark.targetsHeaderValue)]
        if let session { headers.append(("x-routertop-session", session)) }
        return headers
    }

    private func client(_ name: String, session: String? = nil) -> ControlClient {
        guard var client = targets[name]?.client else { preconditionFailure("\(name) is not a target of \(plan.id)") }
        client.headers += headers(session: session)
        return client
    }

    /// The answer of a command endpoint, as the machine reads it.
    private static func answer(_ result: Result<(status: Int, body: [UInt8]), ControlClientError>) -> RolloutMachine.Answer {
        switch result {
        case .failure(let error): return .unreachable(error.description)
        case .success(let (status, body)):
            if let reply = try? JSONDecoder().decode(CommandReply.self, from: Data(body)) {
                return status == 200 && reply.result == "done" ? .done : .refused(reply.message)
            }
            if let reply = try? JSONDecoder().decode(ErrorReply.self, from: Data(body)) { return .refused(reply.error) }
            return .refused("the router answered \(status)")
        }
    }

    private func trial(_ name: String) -> RolloutMachine.Answer {
        let session = "\(plan.id)-\(name)-\(UUID().uuidString.prefix(8))"
        let plain = client(name)
        let before: RouterSettings
        switch plain.answer(method: "GET", target: ControlEndpoint.getSettings.request.target) {
        case .failure(let error): return .unreachable(error.description)
        case .success(let (status, body)):
            guard status == 200, let settings = try? JSONDecoder().decode(RouterSettings.self, from: Data(body)) else {
                return .refused("its settings could not be read (status \(status))")
            }
            before = settings
        }
        // The stream that holds the trial: opened first, so the trial never runs without it.
        let held = client(name, session: session)
        let opened = NIOLockedValueBox(false)
        let stream = try? held.stream(
            target: ControlEndpoint.snapshots(intervalMilliseconds: ControlEndpoint.streamIntervals.upperBound).request.target,
            onLine: { _ in opened.withLockedValue { $0 = true } }, onClose: { _ in }
        ).wait()
        guard let stream else { return .unreachable("its snapshot stream could not be opened") }
        sessions.withLockedValue { $0[name] = Session(id: session, stream: stream, before: before) }
        // The router knows the session once its first line arrived.
        let until = Date().addingTimeInterval(5)
        while !opened.withLockedValue({ $0 }), Date() < until { Thread.sleep(forTimeInterval: 0.01) }
        guard opened.withLockedValue({ $0 }) else { return .unreachable("its snapshot stream sent nothing within 5 s") }
        let put = ControlEndpoint.trialSettings(seconds: plan.trialSeconds).request
        return Self.answer(held.answer(method: put.method, target: put.target, body: plan.body))
    }

    private func confirm(_ name: String) -> RolloutMachine.Answer {
        let session = sessions.withLockedValue { $0[name]?.id }
        let request = ControlEndpoint.confirmSettings.request
        return Self.answer(client(name, session: session).answer(method: request.method, target: request.target))
    }

    /// Ends the trial by closing the stream that holds it, then waits until the router reports no trial.
    private func endTrial(_ name: String) -> RolloutMachine.Answer {
        let stream = sessions.withLockedValue { $0[name]?.stream }
        try? stream?.close().wait()
        let plain = client(name)
        let until = Date().addingTimeInterval(5)
        while Date() < until {
            switch plain.answer(method: "GET", target: ControlEndpoint.snapshot.request.target) {
            case .failure(let error): return .unreachable(error.description)
            case .success(let (status, body)):
                if status == 200, let snapshot = try? JSONDecoder().decode(RouterSnapshot.self, from: Data(body)),
                   snapshot.trial == nil {
                    return .done
                }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return .refused("its trial was still running 5 s after the rollout's session ended")
    }

    /// Sets the changed keys back to the values the router had before the rollout.
    private func setBack(_ name: String) -> RolloutMachine.Answer {
        guard let before = sessions.withLockedValue({ $0[name]?.before }) else {
            return .refused("its settings before the rollout are not known")
        }
        let pairs = plan.patch.keys.sorted { $0.fileKey < $1.fileKey }
            .map { "\"\($0.fileKey)\":\(SettingText.format(before[$0]))" }
        let request = ControlEndpoint.putSettings.request
        return Self.answer(client(name).answer(method: request.method, target: request.target,
                                               body: Array(("{" + pairs.joined(separator: ",") + "}").utf8)))
    }

    /// Compares the canary with the rest each second for `seconds`; failed attempts per second
    /// come from the difference of two snapshots' totals.
    private func watch(canary: String, seconds: Int, progress: (Progress) -> Void) {
        let names = plan.targets
        var first: [String: (Date, Int)] = [:]
        for second in 0...seconds {
            var snapshots: [(name: String, snapshot: RouterSnapshot)] = []
            var failed: [String: Double] = [:]
            for name in names {
                guard case .success(let (status, body)) = client(name).answer(
                    method: "GET", target: ControlEndpoint.snapshot.request.target),
                    status == 200, let snapshot = try? JSONDecoder().decode(RouterSnapshot.self, from: Data(body))
                else { continue }
                snapshots.append((name, snapshot))
                let now = Date()
                if let (then, count) = first[name], now.timeIntervalSince(then) > 0 {
                    failed[name] = Double(snapshot.retries.failedAttempts - count) / now.timeIntervalSince(then)
                } else {
                    first[name] = (now, snapshot.retries.failedAttempts)
                }
            }
            if let mine = snapshots.first(where: { $0.name == canary }) {
                let comparison = CanaryComparison(canary: mine, others: snapshots.filter { $0.name != canary },
                                                  failedPerSecond: failed)
                progress(.comparison(comparison, secondsLeft: seconds - second))
            }
            if second == seconds || cancelRequested.withLockedValue({ $0 }) { return }
            Thread.sleep(forTimeInterval: 1)
        }
    }

    private func closeSessions() {
        let streams = sessions.withLockedValue { sessions in sessions.values.compactMap(\.stream) }
        for stream in streams { try? stream.close().wait() }
    }
}
