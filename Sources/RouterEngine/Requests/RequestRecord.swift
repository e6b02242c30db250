/// The router's working state for one admitted request that has not finished.
final class RequestRecord {
    enum Phase {
        /// Waiting in the pending queue for a replica.
        case pending
        case running(ReplicaRecord, since: EngineTime)
        case finished
    }

    let id: RequestID
    let admittedAt: EngineTime
    let payload: AnyObject?
    /// The model it asks for (multiplexed routing); nil routes by locality.
    let model: String?
    /// How long it prefers the replicas holding its model, drawn at admission between T and 2T.
    var matchingTimeout: Duration = .zero
    let onFinish: (RequestResult) -> Void
    var phase: Phase = .pending
    var reroutes = 0
    /// Its sends so far: only the latest one's outcome counts (`SendCompletion`).
    var sends = 0
    /// The attempts bucket it is counted in, once assigned: a re-routed request moves bucket
    /// rather than counting twice.
    var countedAttempts: Int?
    /// Where its search for a replica stands; kept across re-queues, so the tiers are walked once.
    var routing = RequestRouting()
    /// The task searching on its behalf; 0 when none is.
    var claimedBy = 0
    var sendHandle: (any Cancellable)?
    /// Why it went where it did; nil when the router keeps no traces.
    // Unchecked: values alone (`LeafStateTests`). A request changes it about ten times.
    @exclusivity(unchecked) var trace: RequestTrace?

    init(
        id: RequestID, admittedAt: EngineTime, model: String? = nil, payload: AnyObject?,
        onFinish: @escaping (RequestResult) -> Void
    ) {
        self.id = id
        self.admittedAt = admittedAt
        self.model = model
        self.payload = payload
        self.onFinish = onFinish
    }

    var isPending: Bool {
        if case .pending = phase { return true }
        return false
    }

    /// The router shuts down: it is finished without an answer (`onFinish` is not called), and its
    /// send is called off; a late outcome of that send finds it finished and changes nothing.
    func letGo() {
        phase = .finished
        claimedBy = 0
        trace = nil
        let send = sendHandle
        sendHandle = nil
        send?.cancel()
    }
}

/// One request's progress through the locality tiers and the backoff schedule.
struct RequestRouting {
    /// The next tier to draw from: own node and own zone are tried once each, then all replicas.
    var nextTier: LocalityTier = .node
    /// Attempts over all replicas that found nothing, plus refusals; drives the backoff.
    var failedAttempts = 0
    /// Attempts of any tier so far, for the trace.
    var attempts = 0
    /// When it first failed, for the backoff panel.
    var inBackoffSince: EngineTime = .zero
    /// Whether an attempt over the holders of its model found nothing: later ones within the
    /// matching timeout draw from the replicas with the fewest models.
    var triedHolders = false
    /// Whether, past the matching timeout, an attempt over the fewest-models set found nothing.
    var triedFewestAfterTimeout = false
    /// When its last failed attempt (or refusal) happened: its next attempt waits the backoff from then.
    var failedAt: EngineTime = .zero
}

/// The candidate sets of Ray's locality routing, in the order a request tries them.
enum LocalityTier: Int, Comparable {
    case node
    case zone
    case all

    static func < (lhs: LocalityTier, rhs: LocalityTier) -> Bool { lhs.rawValue < rhs.rawValue }
}
