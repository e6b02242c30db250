/// When a call's one outcome is reported: exactly once, never from inside the call's `start`
/// (the caller is still setting up), and never after the caller called it off.
///
/// Shared by upstream calls and probes, so "answered twice" and "deferred while starting" are
/// transitions of one state machine instead of flags repeated in each call.
struct CallReport<Outcome> {
    enum State {
        /// `start` runs: an outcome found now is reported on the next loop turn.
        case starting
        /// Waiting for the outcome.
        case running
        /// Found while starting; reported on the next loop turn unless called off first.
        case deferred(Outcome)
        /// Reported, or called off: nothing more is said.
        case reported
        case cancelled
    }

    enum Action {
        case reportNow(Outcome)
        /// Schedule `deferredTurn` on the next loop turn.
        case reportLater
        case ignore
    }

    private(set) var state = State.starting

    /// True while an outcome is still wanted.
    var isOpen: Bool {
        switch state {
        case .starting, .running: true
        case .deferred, .reported, .cancelled: false
        }
    }

    mutating func startReturned() {
        if case .starting = state { state = .running }
    }

    mutating func outcome(_ outcome: Outcome) -> Action {
        switch state {
        case .starting:
            state = .deferred(outcome)
            return .reportLater
        case .running:
            state = .reported
            return .reportNow(outcome)
        case .deferred, .reported, .cancelled:
            return .ignore
        }
    }

    /// The next loop turn after `reportLater`: the outcome, or nil when the call was called off.
    mutating func deferredTurn() -> Outcome? {
        guard case .deferred(let outcome) = state else { return nil }
        state = .reported
        return outcome
    }

    /// The caller calls the call off. Returns the state it left, which the caller lets go of once
    /// the report changed: an outcome deferred in it is released there, not inside the change. A
    /// release can run other code, and a call's report that may release inside its changes is
    /// checked for exclusive access at run time at every use (three a request).
    mutating func cancel() -> State {
        var left = State.cancelled
        swap(&state, &left)
        return left
    }
}

extension CallReport.State {
    /// Whether a call that was in this state when called off was still running (its resources must go).
    var wasRunning: Bool {
        switch self {
        case .starting, .running, .deferred: true
        case .reported, .cancelled: false
        }
    }
}
