import DequeModule

/// The requests a router holds: each admitted and unfinished one by id, the waiting ones in
/// admission order, the ids it hands out, the totals, and the one routing-deadline timer. Every
/// request waits at most the same routing timeout from its admission and the queue is in admission
/// order, so one timer, for the oldest waiting request, serves them all. Takes engine time from its
/// caller; the timer is the router's, kept here so that it is armed once and can be cancelled.
struct RequestQueue {
    /// The routing timeout in nanoseconds, converted once: every request's deadline is worked out
    /// twice, and a timeout of seconds is a 128-bit division each time it is converted.
    private let routingTimeout: Int64?
    /// Waiting requests in admission order (finished ones are dropped lazily from the front).
    private(set) var pending = Deque<RequestRecord>()
    /// Every unfinished request, in admission order, which is the order of their ids (each is held
    /// at admission): found by a binary search. A dictionary by id hashed each request's id twice
    /// (held, let go), about 660 instructions a request. Requests mostly finish in about the order
    /// they came, near the front, and taking one out moves the shorter side of the deque.
    private var held = Deque<RequestRecord>()
    private var lastNumber: UInt64 = 0
    /// Admitted, finished, waiting and running requests; the router counts their moves.
    var totals = RequestTotals()
    private(set) var deadlineTimer: (any Cancellable)?
    private var deadlineArmedAt: EngineTime = .zero

    init(routingTimeout: Duration?) {
        self.routingTimeout = routingTimeout?.nanosecondsClamped
    }

    /// When `request`'s routing timeout runs out; nil when there is none.
    private func routingDeadline(of request: RequestRecord) -> EngineTime? {
        routingTimeout.map { request.admittedAt.advanced(byNanoseconds: $0) }
    }

    /// The id the next admitted request gets.
    var nextID: RequestID { RequestID(lastNumber + 1) }

    /// Counts an arrival and gives it the next id.
    mutating func admit() -> RequestID {
        totals.admitted += 1
        return issueID()
    }

    /// Gives out the next id without counting an arrival (a request refused after shutdown).
    mutating func issueID() -> RequestID {
        lastNumber += 1
        return RequestID(lastNumber)
    }

    /// Whether it holds no unfinished request.
    var isEmpty: Bool { held.isEmpty }

    /// The unfinished request with `id`.
    subscript(id: RequestID) -> RequestRecord? {
        held.index(ofKey: id) { $0.id }.map { held[$0] }
    }

    /// Holds an admitted request until it finishes. Requests are held in the order of their ids.
    mutating func hold(_ request: RequestRecord) {
        precondition(held.last.map { $0.id < request.id } ?? true, "\(request.id) held after a later request")
        held.append(request)
    }

    /// Lets go of a finished request.
    mutating func release(_ request: RequestRecord) {
        guard let index = held.index(ofKey: request.id, by: { $0.id }) else { return }
        // The oldest goes most often, and without the general removal's work (about 300 instructions).
        if index == 0 { held.removeFirst() } else { held.remove(at: index) }
    }

    /// The requests running on `replica`, oldest first, each with when its send started.
    func running(on replica: ReplicaRecord) -> [(request: RequestRecord, since: EngineTime)] {
        held.compactMap { request in
            if case .running(let target, let since) = request.phase, target === replica { return (request, since) }
            return nil
        }
    }

    // MARK: Waiting

    /// Puts a request in the queue at its place by admission, ahead of every request admitted after
    /// it, and counts it waiting. False when its routing deadline (counted from admission) passed
    /// by `now`: it is counted waiting but not queued, and the caller fails it.
    mutating func enqueue(_ request: RequestRecord, at now: EngineTime) -> Bool {
        request.phase = .pending
        totals.pending += 1
        if let deadline = routingDeadline(of: request), deadline <= now { return false }
        if let last = pending.last, last.id > request.id {
            pending.insert(request, at: pending.partitionPoint { $0.id >= request.id })
        } else {
            pending.append(request)
        }
        return true
    }

    /// The oldest request still waiting, dropping finished ones from the front of the queue.
    mutating func oldestPending() -> RequestRecord? {
        while let first = pending.first {
            if first.isPending { return first }
            pending.removeFirst()
        }
        return nil
    }

    /// The oldest waiting request that no routing task searches for yet.
    mutating func oldestUnclaimed() -> RequestRecord? {
        _ = oldestPending()
        for request in pending where request.isPending && request.claimedBy == 0 {
            return request
        }
        return nil
    }

    /// The position of the oldest request waiting for `model`, else of the oldest waiting one; nil
    /// when none waits.
    mutating func oldestIndex(waitingFor model: String?) -> Int? {
        guard oldestPending() != nil else { return nil }
        if let model {
            for index in pending.indices {
                let request = pending[index]
                if request.isPending, request.model == model { return index }
            }
        }
        return 0
    }

    /// Takes the request at `index` out of the queue (it no longer waits).
    mutating func take(at index: Int) -> RequestRecord {
        if index == 0 { return pending.removeFirst() }
        return pending.remove(at: index)
    }

    /// Waiting requests ahead of `request`. Tasks claim the oldest requests, so a request being
    /// routed has few ahead and the walk from the front is short.
    func pendingAhead(of request: RequestRecord) -> Int {
        var ahead = 0
        for other in pending {
            if other === request { break }
            if other.isPending { ahead += 1 }
        }
        return ahead
    }

    // MARK: The routing deadline

    /// Arms the deadline timer for `request` with `schedule`, unless it is armed for this deadline
    /// or an earlier one already.
    mutating func armRoutingDeadline(for request: RequestRecord, _ schedule: (EngineTime) -> any Cancellable) {
        guard let deadline = routingDeadline(of: request) else { return }
        if deadlineTimer != nil, deadlineArmedAt <= deadline { return }
        deadlineTimer?.cancel()
        deadlineArmedAt = deadline
        deadlineTimer = schedule(deadline)
    }

    /// The deadline timer fired.
    mutating func routingDeadlineFired() {
        deadlineTimer = nil
    }

    /// The oldest waiting request if its routing deadline has passed by `now`.
    mutating func oldestExpired(at now: EngineTime) -> RequestRecord? {
        guard routingTimeout != nil, let oldest = oldestPending(), let deadline = routingDeadline(of: oldest), deadline <= now
        else { return nil }
        return oldest
    }

    /// Cancels the deadline timer and lets every request go unanswered, for `Router.shutdown()`;
    /// the totals stay, so `pending` and `running` then count the requests let go.
    mutating func shutDown() {
        deadlineTimer?.cancel()
        deadlineTimer = nil
        for request in held { request.letGo() }
        held = []
        pending = []
    }
}
