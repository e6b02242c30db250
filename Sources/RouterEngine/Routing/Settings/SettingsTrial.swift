/// A settings change on trial, as a state machine: started, then confirmed, or reverted when its
/// time runs out or its operator's session ends. Owns no timer; it says when to arm one.
struct SettingsTrial {
    /// The trial that runs: what it replaced, and until when.
    struct Running: Equatable {
        var previous: RouterSettings
        var trial: RouterSettings
        var origin: CommandOrigin
        var seconds: Int
        var deadline: EngineTime
        /// The attached dashboard whose connection keeps the trial alive, if any.
        var session: String?
    }

    enum State: Equatable {
        case idle
        case running(Running)
    }

    enum Event {
        case start(Running)
        case confirm
        case timeout
        case sessionEnded(String)
    }

    enum Action: Equatable {
        /// Nothing to do: the event does not concern a trial that runs.
        case none
        case refuse(String)
        /// Apply the trial settings and arm a timer for `deadline`.
        case begin(Running)
        /// Keep the trial settings; cancel the timer.
        case keep(Running)
        /// Put the previous settings back, for `why`.
        case revert(Running, why: String)
    }

    private(set) var state = State.idle

    var running: Running? {
        if case .running(let running) = state { return running }
        return nil
    }

    mutating func handle(_ event: Event) -> Action {
        switch (state, event) {
        case (.idle, .start(let trial)):
            state = .running(trial)
            return .begin(trial)
        case (.running(let current), .start):
            return .refuse("a trial by \(current.origin) runs; confirm it or let it revert before starting another")
        case (.idle, .confirm):
            return .refuse("no settings trial runs; there is nothing to confirm")
        case (.running(let current), .confirm):
            state = .idle
            return .keep(current)
        case (.running(let current), .timeout):
            state = .idle
            return .revert(current, why: "not confirmed within \(current.seconds) s")
        case (.running(let current), .sessionEnded(let session)) where current.session == session:
            state = .idle
            return .revert(current, why: "not confirmed before the connection of \(current.origin) dropped")
        case (.idle, .timeout), (.idle, .sessionEnded), (.running, .sessionEnded):
            return .none
        }
    }
}
