/// One routing task: it searches for a replica, attempt after attempt, on behalf of the request it
/// claimed, and hands what it finds to the oldest waiting request.
final class RoutingTask {
    let id: Int
    var machine = RoutingTaskStateMachine()
    /// The request it searches for: its tiers and backoff count drive the attempts.
    var request: RequestRecord
    var timer: (any Cancellable)?
    /// The tier the current attempt draws from; a failed attempt over `.all` costs backoff.
    var tier: LocalityTier = .all
    var pair: [ReplicaRecord] = []
    /// The candidates of the current attempt, for attributing a failed attempt to them.
    var considered: [ReplicaRecord] = []

    init(id: Int, request: RequestRecord) {
        self.id = id
        self.request = request
        pair.reserveCapacity(2)
        considered.reserveCapacity(2)
    }
}
