/// A rollout as a state machine: answers in, the next request out, no I/O and no clock.
///
/// One request is outstanding at a time, in this order: the canary's trial, the canary's watch
/// (when `canarySeconds` > 0), the other routers' trials one by one, then a confirmation per
/// router. A refusal or a router that does not answer stops it: every router changed so far is
/// reverted (or, with `keepPartial`, confirmed and kept), and the machine finishes with a report.
public struct RolloutMachine: Sendable {
    /// What a router answered to one request.
    public enum Answer: Equatable, Sendable {
        case done
        case refused(String)
        case unreachable(String)
    }

    public enum Event: Equatable, Sendable {
        case start
        case trialAnswered(String, Answer)
        /// The canary's watch is over.
        case watchEnded
        case confirmAnswered(String, Answer)
        case revertAnswered(String, Answer)
        /// The operator cancelled; takes effect when the outstanding request is answered.
        case cancel
    }

    public enum Action: Equatable, Sendable {
        /// Put the change on trial at this router.
        case trial(String)
        /// Wait this many seconds with only the canary changed, comparing it with the rest.
        case watchCanary(canary: String, seconds: Int)
        case confirm(String)
        /// Undo the change at this router: end its trial, or, once confirmed, set its old settings back.
        case revert(String, confirmed: Bool)
        case finished(RolloutReport)
        /// Nothing to send now (an answer is awaited).
        case none
    }

    private enum Phase: Equatable {
        case idle
        case trying(index: Int)
        case watching
        case confirming(index: Int)
        /// Undoing (or, keeping partial, confirming) what was changed; `pending` in order.
        case stopping(pending: [String])
        case finished
    }

    public let plan: RolloutPlan
    private var phase = Phase.idle
    private var cancelled = false
    public private(set) var outcomes: [String: RolloutOutcome]
    /// Why the rollout stopped before every router had the change; nil while it goes on or after success.
    public private(set) var stopReason: String?

    public init(plan: RolloutPlan) {
        precondition(!plan.targets.isEmpty, "a rollout needs a target")
        self.plan = plan
        self.outcomes = Dictionary(uniqueKeysWithValues: plan.targets.map { ($0, .notReached) })
    }

    /// True once the report is out.
    public var isFinished: Bool { phase == .finished }

    /// True while only the canary has the change and the others are compared with it.
    public var isWatchingCanary: Bool { phase == .watching }

    public var report: RolloutReport {
        RolloutReport(plan: plan, outcomes: plan.targets.map { ($0, outcomes[$0] ?? .notReached) }, stopReason: stopReason)
    }

    public mutating func handle(_ event: Event) -> Action {
        switch (phase, event) {
        case (.idle, .start):
            phase = .trying(index: 0)
            return .trial(plan.targets[0])
        case (.trying(let index), .trialAnswered(let target, let answer)):
            precondition(target == plan.targets[index], "answer from \(target), asked \(plan.targets[index])")
            guard answer == .done else { return stop(failed: target, answer, while: "trial") }
            outcomes[target] = .onTrial
            if cancelled { return stop(because: "cancelled") }
            if index == 0, plan.canarySeconds > 0, plan.targets.count > 1 {
                phase = .watching
                return .watchCanary(canary: target, seconds: plan.canarySeconds)
            }
            return next(after: index)
        case (.watching, .watchEnded):
            if cancelled { return stop(because: "cancelled") }
            return next(after: 0)
        case (.confirming(let index), .confirmAnswered(let target, let answer)):
            precondition(target == plan.targets[index], "answer from \(target), asked \(plan.targets[index])")
            guard answer == .done else { return stop(failed: target, answer, while: "confirmation") }
            outcomes[target] = .changed
            // A confirmation cannot be cancelled half-way: once one router kept it, all are asked to.
            guard index + 1 < plan.targets.count else { return finish() }
            phase = .confirming(index: index + 1)
            return .confirm(plan.targets[index + 1])
        case (.stopping(let pending), .revertAnswered(let target, let answer)),
             (.stopping(let pending), .confirmAnswered(let target, let answer)):
            precondition(target == pending.first, "answer from \(target), asked \(pending.first ?? "none")")
            switch (outcomes[target], answer) {
            case (.onTrial, .done) where plan.keepPartial, (.changed, .done) where plan.keepPartial:
                outcomes[target] = .kept
            case (_, .done): outcomes[target] = .reverted
            case (_, .refused(let why)), (_, .unreachable(let why)): outcomes[target] = .undoFailed(why)
            }
            return stopStep(Array(pending.dropFirst()))
        case (.finished, _):
            return .none
        case (_, .cancel):
            if phase == .watching { return stop(because: "cancelled") }
            cancelled = true
            return .none
        default:
            preconditionFailure("rollout \(plan.id): \(event) cannot happen in \(phase)")
        }
    }

    private mutating func next(after index: Int) -> Action {
        if index + 1 < plan.targets.count {
            phase = .trying(index: index + 1)
            return .trial(plan.targets[index + 1])
        }
        phase = .confirming(index: 0)
        return .confirm(plan.targets[0])
    }

    private mutating func stop(failed target: String, _ answer: Answer, while step: String) -> Action {
        switch answer {
        case .refused(let why):
            outcomes[target] = .refused(why)
            return stop(because: "\(target) refused the \(step): \(why)")
        case .unreachable(let why):
            outcomes[target] = .unreachable(why)
            return stop(because: "\(target) did not answer the \(step): \(why)")
        case .done:
            preconditionFailure("a done answer does not stop a rollout")
        }
    }

    private mutating func stop(because reason: String) -> Action {
        stopReason = reason
        let touched = plan.targets.filter { target in
            switch outcomes[target] {
            case .onTrial, .changed: true
            default: false
            }
        }
        return stopStep(touched)
    }

    private mutating func stopStep(_ pending: [String]) -> Action {
        guard let target = pending.first else { return finish() }
        phase = .stopping(pending: pending)
        let confirmed = outcomes[target] == .changed
        if plan.keepPartial {
            // Kept: a router on trial is confirmed; one already confirmed needs nothing.
            guard confirmed else { return .confirm(target) }
            outcomes[target] = .kept
            return stopStep(Array(pending.dropFirst()))
        }
        return .revert(target, confirmed: confirmed)
    }

    private mutating func finish() -> Action {
        phase = .finished
        return .finished(report)
    }
}

/// How the rollout ended at one router.
public enum RolloutOutcome: Equatable, Sendable, CustomStringConvertible {
    /// The rollout stopped before it got there.
    case notReached
    /// Has the change on trial (only while the rollout runs).
    case onTrial
    /// Has the change, confirmed.
    case changed
    case refused(String)
    case unreachable(String)
    /// Had the change, and it was undone because the rollout stopped.
    case reverted
    /// Had the change when the rollout stopped, and keeps it (`--keep-partial`).
    case kept
    /// Had the change; undoing it failed, so it may still have it.
    case undoFailed(String)

    /// The word scripts match (`--json`'s `outcome`).
    public var word: String {
        switch self {
        case .notReached: "not_reached"
        case .onTrial: "on_trial"
        case .changed: "changed"
        case .refused: "refused"
        case .unreachable: "unreachable"
        case .reverted: "reverted"
        case .kept: "kept"
        case .undoFailed: "undo_failed"
        }
    }

    /// The reason given with a refusal, an unreachable router or a failed undo.
    public var reason: String? {
        switch self {
        case .refused(let why), .unreachable(let why), .undoFailed(let why): why
        default: nil
        }
    }

    public var description: String { reason.map { "\(word): \($0)" } ?? word }
}

/// How a rollout ended: each router's outcome, in the plan's order, and why it stopped.
public struct RolloutReport: Equatable, Sendable {
    public var plan: RolloutPlan
    public var outcomes: [(router: String, outcome: RolloutOutcome)]
    public var stopReason: String?

    public init(plan: RolloutPlan, outcomes: [(router: String, outcome: RolloutOutcome)], stopReason: String?) {
        self.plan = plan
        self.outcomes = outcomes
        self.stopReason = stopReason
    }

    /// Every target ended with the change.
    public var succeeded: Bool { outcomes.allSatisfy { $0.outcome == .changed } }

    public static func == (lhs: RolloutReport, rhs: RolloutReport) -> Bool {
        lhs.plan == rhs.plan && lhs.stopReason == rhs.stopReason
            && lhs.outcomes.map(\.router) == rhs.outcomes.map(\.router)
            && lhs.outcomes.map(\.outcome) == rhs.outcomes.map(\.outcome)
    }
}
