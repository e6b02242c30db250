import NIOConcurrencyHelpers

/// What a signal asks for (a stop, a reload), which may come before start-up can carry it out: the
/// signal handlers are in place before anything else opens, and what is asked for during start-up
/// (once, however often it was asked) is carried out as soon as start-up hands over how.
final class SignalRelay: Sendable {
    private enum State {
        case starting(asked: String?)
        case running(@Sendable (String) -> Void)
    }

    private let state = NIOLockedValueBox<State>(.starting(asked: nil))

    /// Carries it out now, or once `run` is called; `why` names the signal, for the log.
    func ask(_ why: String) {
        let action: (@Sendable (String) -> Void)? = state.withLockedValue { state in
            switch state {
            case .starting(let asked):
                if asked == nil { state = .starting(asked: why) }
                return nil
            case .running(let action):
                return action
            }
        }
        action?(why)
    }

    /// Start-up is done: `action` carries out every request from now on, and at once the one made
    /// during start-up, if any.
    func run(_ action: @escaping @Sendable (String) -> Void) {
        let asked: String? = state.withLockedValue { state in
            guard case .starting(let asked) = state else { return nil }
            state = .running(action)
            return asked
        }
        if let asked { action(asked) }
    }
}
