/// One routing task: it searches for a replica, attempt after attempt, on behalf of the request it
/// claimed, and hands what it finds to the oldest waiting request.
final class RoutingTask {
    let id: Int
    // Unchecked: values alone (`LeafStateTests`). Changed or read about three times a request.
    @exclusivity(unchecked) var machine = RoutingTaskStateMachine()
    /// The request it searches for: its tiers and backoff count drive the attempts.
    var request: RequestRecord
    var timer: (any Cancellable)?
    /// Names the armed wake-up timer; a timer that fires under an older one is void.
    var wakeToken = 0
    /// Set once the pool dropped it (`TaskPool`): an action worked out for it before then is void.
    var isDropped = false
    /// The tier the current attempt draws from; a failed attempt costs backoff unless it was a local try.
    var tier: CandidateTier = .all
    /// The current attempt's candidate set, when multiplexing built one (reused between attempts).
    var candidates: [ReplicaRecord] = []
    /// The current attempt's candidates, kept until the next attempt: a failed attempt is
    /// attributed to them.
    var pair: [ReplicaRecord]

    /// `pair` is storage to draw pairs into (an ended task's, emptied), reserved here when it has no room.
    init(id: Int, request: RequestRecord, pair: [ReplicaRecord]) {
        self.id = id
        self.request = request
        self.pair = pair
        if pair.capacity < 2 { self.pair.reserveCapacity(2) }
    }

    /// The router shuts down: the wake-up is cancelled (its action holds this task) and voided in
    /// case an event loop runs it anyway, and the candidates are let go.
    func shutDown() {
        timer?.cancel()
        timer = nil
        wakeToken += 1
        if !machine.isEnded { _ = machine.retired() }
        candidates = []
        pair = []
    }
}
