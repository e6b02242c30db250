/// The router's working state for one admitted request that has not finished.
final class RequestRecord {
    enum Phase {
        case pending
        case running(ReplicaRecord, since: EngineTime)
        case finished
    }

    let id: RequestID
    let admittedAt: EngineTime
    let payload: AnyObject?
    let onFinish: (RequestResult) -> Void
    var phase: Phase = .pending
    var reroutes = 0
    /// When it fails for want of a replica, while it waits.
    var routingDeadline: EngineTime?
    var sendHandle: (any Cancellable)?

    init(id: RequestID, admittedAt: EngineTime, payload: AnyObject?, onFinish: @escaping (RequestResult) -> Void) {
        self.id = id
        self.admittedAt = admittedAt
        self.payload = payload
        self.onFinish = onFinish
    }

    var isPending: Bool {
        if case .pending = phase { return true }
        return false
    }
}
