/// One routing task: it searches for a replica, attempt after attempt, for the oldest waiting request.
final class RoutingTask {
    let id: Int
    /// Failed attempts in the current search; the next attempt is number `failedAttempts + 1`.
    var failedAttempts = 0
    var inBackoffSince: EngineTime?
    /// The oldest waiting request when the current search began (it may serve another one).
    var searchRequest: RequestID?
    var searchStartedAt: EngineTime = .zero
    var lastWait: Duration = .zero
    var sleepStartedAt: EngineTime?
    var wakeAt: EngineTime?
    var sleepTimer: (any Cancellable)?
    /// Bumped at each attempt, so a probe answer for an earlier attempt is not taken for this one.
    var token = 0
    var tierIndex = 0
    var pair: [ReplicaRecord] = []
    var awaitingProbes = 0
    var probesStartedAt: EngineTime = .zero
    /// The candidates of the current attempt, for attributing a failed attempt to them.
    var considered: [ReplicaRecord] = []
    var ended = false

    init(id: Int) {
        self.id = id
        pair.reserveCapacity(2)
        considered.reserveCapacity(6)
    }

    var isSleeping: Bool { sleepStartedAt != nil }
}
