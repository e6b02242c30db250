import NIOCore
import RouterEngine

/// A lane's line to the router on the engine's loop: requests go over in batches, and how each
/// ended comes back the same way.
///
/// The router keeps the one truth about every replica (queue lengths, in-flight counts, caps);
/// a lane only parses, forwards and answers.
final class EngineLink {
    let lane: ClientLane
    /// The router's host, bound to the engine's loop: used only in work that runs there.
    private let host: NIOLoopBound<ProxyHost>

    init(lane: ClientLane, host: NIOLoopBound<ProxyHost>) {
        self.lane = lane
        self.host = host
    }

    /// Admits a request (on the lane's loop); `door` hears how it ended.
    func submit(_ exchange: ProxyExchange, from door: FrontDoor) {
        let ticket = EngineTicket()
        exchange.ticket = ticket
        let model = MultiplexedModelHeader.model(in: exchange.head)
        let externalID = exchange.indexedClientRequestID
        let host = self.host
        let lane = self.lane
        lane.toEngine.post {
            let router = host.value.router
            // The router may finish it inside `submit` (a full queue): the id must be known first.
            let id = router.nextRequestID
            ticket.id = id
            router.submit(model: model, externalID: externalID, payload: exchange) { result in
                lane.toLane.post {
                    if exchange.requestID == nil { exchange.requestID = id }
                    door.finish(exchange, result)
                }
            }
        }
    }

    /// Calls an admitted request off (on the lane's loop). It reaches the router after the
    /// admission, since a mailbox keeps its order; a request that ended meanwhile is left alone.
    func cancel(_ exchange: ProxyExchange, reason: FailureReason) {
        guard let ticket = exchange.ticket else { return }
        let host = self.host
        lane.toEngine.post {
            if let id = ticket.id { host.value.router.cancel(id, reason: reason) }
        }
    }
}

/// The router's id for a request admitted from a lane, known on the engine's loop only.
final class EngineTicket {
    /// Written and read on the engine's loop only.
    var id: RequestID?
}
