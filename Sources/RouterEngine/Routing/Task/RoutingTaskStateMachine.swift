/// The states of one routing task and every way out of each, without timers or I/O.
///
/// A task routes for one request until that request is done, as Ray Serve 2.60's routing tasks do:
/// a replica it finds goes to the oldest waiting request (its own or not), and it keeps searching
/// until its own request has a replica. When its request is served by another task or cancelled,
/// the task ends at once, wherever it is. The router calls one method per event and carries out the
/// action returned, as SwiftNIO's state machines are driven by their handlers; an event that cannot
/// happen in a state stops the program, naming both.
struct RoutingTaskStateMachine {
    enum State: Equatable {
        /// Between attempts: the next one starts at once.
        case ready
        /// Attempt `token` waits for the probes of `awaiting` (each answers, times out or leaves).
        case probing(token: Int, awaiting: [ReplicaID], since: EngineTime)
        /// Waiting after a failed attempt before the next one.
        case sleeping(Sleep)
        case ended
    }

    /// A backoff sleep: the wait after failed attempt `failedAttempts`, started at `startedAt`.
    struct Sleep: Equatable {
        var failedAttempts: Int
        var startedAt: EngineTime
        var wait: Duration
        var wakeAt: EngineTime
    }

    enum Action: Equatable {
        case none
        /// Start the next attempt now.
        case attempt
        /// Every probe of the attempt is in: choose from what they wrote since `probesStartedAt`.
        case choose(probesStartedAt: EngineTime)
        /// Arm the wake-up timer, replacing any armed one.
        case wake(at: EngineTime)
        /// The task's request has its replica: route for request `next` now.
        case claim(RequestID)
        /// Cancel the timer and drop the task; `abandoningProbes` when it waited for probes, whose
        /// answers now serve no one.
        case end(abandoningProbes: Bool)
    }

    private(set) var state: State = .ready
    private var lastToken = 0

    /// The token of the attempt now waiting for probes; 0 when none is.
    var probingToken: Int {
        if case .probing(let token, _, _) = state { return token }
        return 0
    }

    /// The backoff sleep in progress, if the task sleeps.
    var sleep: Sleep? {
        if case .sleeping(let sleep) = state { return sleep }
        return nil
    }

    var isEnded: Bool { state == .ended }

    /// The attempt probes `replicas` and waits for them.
    mutating func probesSent(_ replicas: [ReplicaID], at time: EngineTime) -> Action {
        switch state {
        case .ready:
            precondition(!replicas.isEmpty, "an attempt that probes nothing does not wait")
            lastToken += 1
            state = .probing(token: lastToken, awaiting: replicas, since: time)
            return .none
        case .probing, .sleeping, .ended:
            impossible("probesSent")
        }
    }

    /// A probe of the attempt `token` answered.
    mutating func probeAnswered(_ replica: ReplicaID, token: Int) -> Action {
        probeIn(replica, token: token, event: "probeAnswered")
    }

    /// A probe of the attempt `token` got no answer within its deadline; it counts as an answer.
    mutating func probeTimedOut(_ replica: ReplicaID, token: Int) -> Action {
        probeIn(replica, token: token, event: "probeTimedOut")
    }

    /// The replica left routing (removed, dead or draining) while the task waited on its probe: as
    /// if the probe had timed out, the attempt goes on with the other candidates.
    mutating func replicaLeft(_ replica: ReplicaID) -> Action {
        switch state {
        case .probing(let token, _, _):
            return probeIn(replica, token: token, event: "replicaLeft")
        case .ready, .sleeping, .ended:
            // The router only tells the waiters of the replica's probe, by their current token.
            impossible("replicaLeft")
        }
    }

    /// The attempt's candidates had no room; none is local-tier only, so it costs a backoff.
    /// The task sleeps `wait` from `at` (already past when the sleep is owed to a refusal).
    mutating func attemptFailed(failedAttempts: Int, wait: Duration, at failedAt: EngineTime, now: EngineTime) -> Action {
        switch state {
        case .ready:
            let wakeAt = max(failedAt + wait, now)
            state = .sleeping(Sleep(failedAttempts: failedAttempts, startedAt: failedAt, wait: wait, wakeAt: wakeAt))
            return .wake(at: wakeAt)
        case .probing, .sleeping, .ended:
            impossible("attemptFailed")
        }
    }

    /// A local tier had nothing: the next tier is tried at once, at no backoff.
    mutating func localTierFoundNothing() -> Action {
        switch state {
        case .ready:
            return .attempt
        case .probing, .sleeping, .ended:
            impossible("localTierFoundNothing")
        }
    }

    /// The replica found went to an older request: the task searches on for its own.
    mutating func foundReplicaForOlderRequest() -> Action {
        switch state {
        case .ready:
            return .attempt
        case .probing, .sleeping, .ended:
            impossible("foundReplicaForOlderRequest")
        }
    }

    /// The replica found went to the task's own request. `next` is the request it routes for now
    /// (the oldest no task routes for), nil when none waits or the tasks already reach their target.
    mutating func ownRequestServed(next: RequestID?) -> Action {
        switch state {
        case .ready:
            guard let next else {
                state = .ended
                return .end(abandoningProbes: false)
            }
            return .claim(next)
        case .probing, .sleeping, .ended:
            impossible("ownRequestServed")
        }
    }

    /// The backoff timer fired.
    mutating func woke() -> Action {
        switch state {
        case .sleeping:
            state = .ready
            return .attempt
        case .ready, .probing, .ended:
            // Every way out of a sleep cancels its timer.
            impossible("woke")
        }
    }

    /// Another task's replica went to this task's request.
    mutating func requestServedElsewhere() -> Action {
        endNow(event: "requestServedElsewhere")
    }

    /// This task's request was cancelled by its caller or its routing timeout.
    mutating func requestCancelled() -> Action {
        endNow(event: "requestCancelled")
    }

    /// The replica set shrank below what the running tasks need (or to nothing).
    mutating func retired() -> Action {
        endNow(event: "retired")
    }

    /// The backoff settings changed: a sleep is re-timed from its start; an attempt under way uses
    /// them for its next sleep.
    mutating func backoffChanged(_ policy: BackoffPolicy, now: EngineTime) -> Action {
        switch state {
        case .sleeping(var sleep):
            sleep.wait = policy.wait(afterFailedAttempt: sleep.failedAttempts)
            sleep.wakeAt = max(sleep.startedAt + sleep.wait, now)
            state = .sleeping(sleep)
            return .wake(at: sleep.wakeAt)
        case .ready, .probing:
            return .none
        case .ended:
            impossible("backoffChanged")
        }
    }

    private mutating func endNow(event: String) -> Action {
        switch state {
        case .ready, .sleeping:
            state = .ended
            return .end(abandoningProbes: false)
        case .probing:
            state = .ended
            return .end(abandoningProbes: true)
        case .ended:
            // An ended task is no longer among the router's tasks, so nothing can reach it.
            impossible(event)
        }
    }

    private mutating func probeIn(_ replica: ReplicaID, token: Int, event: String) -> Action {
        switch state {
        case .probing(let current, var awaiting, let since):
            precondition(token == current, "routing task got \(event) for attempt \(token) while probing for attempt \(current)")
            guard let index = awaiting.firstIndex(of: replica) else {
                // Its wait was already released when the replica left routing; the late answer
                // changes nothing.
                return .none
            }
            awaiting.remove(at: index)
            guard awaiting.isEmpty else {
                state = .probing(token: current, awaiting: awaiting, since: since)
                return .none
            }
            state = .ready
            return .choose(probesStartedAt: since)
        case .ready, .sleeping, .ended:
            // The router hands a probe's outcome only to waiters whose token is still current.
            impossible(event)
        }
    }

    private func impossible(_ event: String, file: StaticString = #file, line: UInt = #line) -> Never {
        preconditionFailure("routing task: event \(event) cannot happen in state \(state)", file: file, line: line)
    }
}
