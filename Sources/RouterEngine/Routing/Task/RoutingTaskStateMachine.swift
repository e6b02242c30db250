/// The states of one routing task and every way out of each, without timers or I/O.
///
/// The router feeds it events and carries out the action it returns, as SwiftNIO's state machines
/// are driven by their handlers.
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

    enum Event: Equatable {
        /// The attempt probes these replicas and waits for them.
        case probesSent([ReplicaID], at: EngineTime)
        case probeAnswered(ReplicaID, token: Int)
        case probeTimedOut(ReplicaID, token: Int)
        /// The replica left routing (removed, dead or draining) while the task waited on it.
        case replicaRemoved(ReplicaID)
        /// The attempt found nothing; the task sleeps `wait` from `at` (already past when the sleep
        /// belongs to a refusal that happened earlier).
        case attemptFailed(failedAttempts: Int, wait: Duration, at: EngineTime, now: EngineTime)
        /// The attempt assigned a replica: the next one starts at once.
        case assigned
        /// The wake-up timer fired.
        case woke
        /// The request the task searched for left the queue (cancelled, timed out, or served by
        /// another task); `othersWaiting` tells whether another request needs a task.
        case requestLeft(othersWaiting: Bool)
        /// The backoff settings changed: a sleep is re-timed from its start.
        case settingsChanged(BackoffPolicy, now: EngineTime)
        /// The router runs more tasks than the queue and replica set allow.
        case capLowered
    }

    enum Action: Equatable {
        case none
        /// Start the next attempt now.
        case attempt
        /// Every probe of the attempt is in: choose from what they wrote since `probesStartedAt`.
        case choose(probesStartedAt: EngineTime)
        /// Arm the wake-up timer, replacing any armed one.
        case wake(at: EngineTime)
        /// Cancel the timer and drop the task.
        case end
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

    mutating func handle(_ event: Event) -> Action {
        switch (state, event) {
        case (.ended, _):
            return .none

        case (_, .capLowered):
            state = .ended
            return .end

        case (.ready, .probesSent(let replicas, let at)):
            precondition(!replicas.isEmpty, "an attempt that probes nothing does not wait")
            lastToken += 1
            state = .probing(token: lastToken, awaiting: replicas, since: at)
            return .none

        case (.probing(let token, var awaiting, let since), .probeAnswered(let replica, let answered)),
             (.probing(let token, var awaiting, let since), .probeTimedOut(let replica, let answered)):
            guard answered == token, let index = awaiting.firstIndex(of: replica) else { return .none }
            awaiting.remove(at: index)
            return resolve(token: token, awaiting: awaiting, since: since)

        case (.probing(let token, var awaiting, let since), .replicaRemoved(let replica)):
            // As if its probe had timed out: the attempt goes on with the other candidates.
            guard let index = awaiting.firstIndex(of: replica) else { return .none }
            awaiting.remove(at: index)
            return resolve(token: token, awaiting: awaiting, since: since)

        case (.ready, .attemptFailed(let failed, let wait, let at, let now)):
            let wakeAt = max(at + wait, now)
            state = .sleeping(Sleep(failedAttempts: failed, startedAt: at, wait: wait, wakeAt: wakeAt))
            return .wake(at: wakeAt)

        case (.ready, .assigned):
            state = .ready
            return .attempt

        case (.sleeping, .woke):
            state = .ready
            return .attempt

        case (.sleeping, .requestLeft(let othersWaiting)):
            // The backoff belongs to the task's search, as in Ray: it sleeps on and then searches for
            // another request. Waking it now would put every task in step and leave gaps in which
            // all of them sleep.
            guard othersWaiting else {
                state = .ended
                return .end
            }
            return .none

        case (.sleeping(var sleep), .settingsChanged(let policy, let now)):
            sleep.wait = policy.wait(afterFailedAttempt: sleep.failedAttempts)
            sleep.wakeAt = max(sleep.startedAt + sleep.wait, now)
            state = .sleeping(sleep)
            return .wake(at: sleep.wakeAt)

        case (.ready, .requestLeft(let othersWaiting)):
            guard othersWaiting else {
                state = .ended
                return .end
            }
            return .attempt

        default:
            // A probe answering a sleeping task, settings changing while it probes (the next sleep
            // uses them), a request leaving while probes are out (their answer serves the oldest
            // waiting request): nothing to do now.
            return .none
        }
    }

    private mutating func resolve(token: Int, awaiting: [ReplicaID], since: EngineTime) -> Action {
        guard awaiting.isEmpty else {
            state = .probing(token: token, awaiting: awaiting, since: since)
            return .none
        }
        state = .ready
        return .choose(probesStartedAt: since)
    }
}
