import NIOConcurrencyHelpers

/// A stop asked for by a signal, which may come before the router is up: the signal handlers are
/// in place before anything else opens, and a stop asked for during start-up is carried out as
/// soon as start-up says how to stop.
final class StopRequest: Sendable {
    private enum State {
        case starting(asked: String?)
        case running(@Sendable (String) -> Void)
    }

    private let state = NIOLockedValueBox<State>(.starting(asked: nil))

    /// Stops now, or once `run` is called; `why` is for the log.
    func ask(_ why: String) {
        let stop: (@Sendable (String) -> Void)? = state.withLockedValue { state in
            switch state {
            case .starting(let asked):
                if asked == nil { state = .starting(asked: why) }
                return nil
            case .running(let stop):
                return stop
            }
        }
        stop?(why)
    }

    /// Start-up is done: `stop` carries out every stop asked for from now on, and at once the one
    /// asked for during start-up, if any.
    func run(_ stop: @escaping @Sendable (String) -> Void) {
        let asked: String? = state.withLockedValue { state in
            guard case .starting(let asked) = state else { return nil }
            state = .running(stop)
            return asked
        }
        if let asked { stop(asked) }
    }
}
