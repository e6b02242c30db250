import RouterAPI
import RouterFleet

/// What the fleet screen asks its host to do after a key.
public enum FleetEffect: Equatable, Sendable {
    case none
    /// Open this router's full dashboard, as `attach` does.
    case open(String)
    case startRollout(RolloutPlan)
    case cancelRollout
}

/// The fleet screen: keys in, effects out, and the frame drawn from the fleet and its state.
public final class FleetController {
    public private(set) var state = FleetScreenState()
    public var fleet = Fleet(members: [])
    public let theme: Theme
    private let ascii: Bool
    private let readOnly: Bool

    public init(theme: Theme, ascii: Bool, readOnly: Bool) {
        self.theme = theme
        self.ascii = ascii
        self.readOnly = readOnly
    }

    public var wantsQuit: Bool { state.wantsQuit }

    /// The routers a rollout from `e` goes to: the marked ones that answer, or every one that does.
    public var rolloutTargets: [String] {
        let live = fleet.live.map(\.name)
        return state.marked.isEmpty ? live : live.filter(state.marked.contains)
    }

    private var rolloutRunning: Bool { state.rollout != nil && state.rollout?.report == nil }

    public func handle(_ key: Key) -> FleetEffect {
        if state.prompt != nil { return handlePrompt(key) }
        let names = fleet.members.map(\.name)
        let index = state.selected.flatMap { names.firstIndex(of: $0) } ?? 0
        switch key {
        case .up, .character("k"):
            if !names.isEmpty { state.selected = names[max(index - 1, 0)] }
        case .down, .character("j"):
            if !names.isEmpty { state.selected = names[min(index + 1, names.count - 1)] }
        case .character(" "):
            guard let name = selectedName else { return .none }
            if state.marked.contains(name) { state.marked.remove(name) } else { state.marked.insert(name) }
        case .enter:
            guard let name = selectedName else { return .none }
            guard fleet.members.first(where: { $0.name == name })?.snapshot != nil else {
                state.status = "\(name) does not answer; nothing to open"
                return .none
            }
            return .open(name)
        case .character("e"):
            if readOnly { state.status = "read-only: e is refused"; return .none }
            if rolloutRunning { state.status = "a rollout runs; Esc cancels it"; return .none }
            guard !rolloutTargets.isEmpty else { state.status = "no router answers; nothing to change"; return .none }
            state.prompt = ""
            state.status = ""
        case .character("r"):
            state.rolloutOpen.toggle()
        case .escape:
            if rolloutRunning { return .cancelRollout }
            state.marked.removeAll()
        case .character("q"):
            if rolloutRunning { state.status = "a rollout runs; Esc cancels it, then q quits"; return .none }
            state.wantsQuit = true
        default:
            break
        }
        return .none
    }

    private var selectedName: String? {
        let names = fleet.members.map(\.name)
        if let selected = state.selected, names.contains(selected) { return selected }
        return names.first
    }

    /// The prompt's word for the canary's watch: `canary=30`.
    static let canaryWord = "canary="

    private func handlePrompt(_ key: Key) -> FleetEffect {
        switch key {
        case .escape:
            state.prompt = nil
        case .backspace, .delete:
            if state.prompt?.isEmpty == false { state.prompt?.removeLast() }
        case .character(let character):
            if (state.prompt?.count ?? 0) < 400 { state.prompt?.append(character) }
        case .enter:
            var words = (state.prompt ?? "").split(separator: " ").map(String.init)
            // `canary=S` watches the first router alone for S s, as `routertop rollout --canary-s`.
            var canarySeconds = 0
            if let at = words.lastIndex(where: { $0.hasPrefix(Self.canaryWord) }) {
                let text = words.remove(at: at).dropFirst(Self.canaryWord.count)
                guard let seconds = Int(text), (0...RolloutPlan.maxCanarySeconds).contains(seconds) else {
                    state.status = "\(Self.canaryWord)\(text): it must be a whole number of seconds from 0 to "
                        + "\(RolloutPlan.maxCanarySeconds)"
                    return .none
                }
                canarySeconds = seconds
            }
            switch RolloutPlan.patch(from: words) {
            case .failure(let problem):
                state.status = problem.description.replacingOccurrences(of: "--set ", with: "")
                return .none
            case .success(let patch):
                state.prompt = nil
                let plan = RolloutPlan(id: RolloutPlan.newID(), patch: patch, targets: rolloutTargets,
                                       canarySeconds: canarySeconds, keepPartial: false)
                state.rollout = FleetRolloutView(plan: plan)
                state.status = ""
                return .startRollout(plan)
            }
        default:
            break
        }
        return .none
    }

    /// The rollout moved on: a step, the canary's figures, or its end.
    public func rolloutStep(_ action: RolloutMachine.Action, outcomes: [String: RolloutOutcome]) {
        state.rollout?.outcomes = outcomes
        if case .finished(let report) = action {
            state.rollout?.report = report
            for (router, outcome) in report.outcomes { state.rollout?.outcomes[router] = outcome }
        }
    }

    public func rolloutComparison(_ comparison: CanaryComparison, secondsLeft: Int) {
        state.rollout?.comparison = comparison
        state.rollout?.secondsLeft = secondsLeft
    }

    public func render(size: TerminalSize, now: UTCTime) -> Screen {
        FleetView.render(fleet: fleet, state: state, size: size, now: now, ascii: ascii)
    }
}
