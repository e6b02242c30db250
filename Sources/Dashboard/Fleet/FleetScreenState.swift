import RouterAPI
import RouterFleet

/// What the fleet screen remembers between frames: the selection, the marked routers, the `e`
/// prompt and the rollout it started.
public struct FleetScreenState: Sendable {
    /// The selected router, by name, so a router joining above it does not move the selection.
    public var selected: String?
    /// The routers `e` changes; empty means every live router.
    public var marked: Set<String> = []
    /// The `e` prompt's text while it is open.
    public var prompt: String?
    /// One line under the tables: a refusal or what just happened.
    public var status = ""
    /// The rollout started from this screen: its progress, and its outcome once finished.
    public var rollout: FleetRolloutView?
    /// The rollout's line opened into its parts (`r`).
    public var rolloutOpen = true
    public var wantsQuit = false

    public init() {}
}

/// A rollout as the fleet screen shows it: one line, and a line per router when opened.
public struct FleetRolloutView: Sendable {
    public var plan: RolloutPlan
    /// Each router's outcome so far, in the plan's order.
    public var outcomes: [String: RolloutOutcome]
    /// The canary beside the rest while it is watched.
    public var comparison: CanaryComparison?
    public var secondsLeft = 0
    public var report: RolloutReport?

    public init(plan: RolloutPlan) {
        self.plan = plan
        self.outcomes = Dictionary(uniqueKeysWithValues: plan.targets.map { ($0, RolloutOutcome.notReached) })
    }

    /// `rollout r-… initial_backoff_s=0.05: 2/3 changed, running` (or how it ended).
    public var line: String {
        let changed = plan.targets.filter { outcomes[$0] == .changed }.count
        let state: String
        if let report {
            state = report.succeeded ? "done" : "stopped: \(report.stopReason ?? "")"
        } else {
            state = comparison != nil && secondsLeft > 0 ? "canary \(plan.targets[0]), \(secondsLeft) s left" : "running"
        }
        return "rollout \(plan.id) \(plan.patchText): \(changed)/\(plan.targets.count) changed, \(state)"
    }
}
