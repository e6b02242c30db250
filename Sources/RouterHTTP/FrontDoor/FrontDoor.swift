import NIOCore
import NIOHTTP1
import RouterEngine

/// The request path of one client loop of the proxy: admits each client request to the router and
/// turns the way it ended into what the client sees.
///
/// Confined to its event loop, like its client connections. On the router's own loop it talks to
/// the router directly; on another loop (a lane) it talks to it through an `EngineLink`. The limits
/// every loop shares (connections, body bytes) and their counters are in `shared`.
final class FrontDoor {
    /// How requests reach the router.
    enum Admission {
        /// The router is on this loop.
        case local(any RequestAdmission)
        /// The router is on the engine's loop; requests cross to it in batches.
        case remote(EngineLink)
    }

    private let admission: Admission
    let eventLoop: any EventLoop
    /// The lane this door serves; nil on the router's own loop.
    let lane: ClientLane?
    private let requestTimeout: TimeAmount?
    private let retryAfterSeconds: Int
    private(set) var tally = ClientTally()
    let limits: FrontDoorLimits
    let shared: SharedDoorCounters
    private var connections: [ObjectIdentifier: FrontDoorHandler] = [:]
    /// Requests with a timeout, oldest first.
    private var deadlines = CircularBuffer<(deadline: NIODeadline, exchange: ProxyExchange)>()
    private var sweep: Scheduled<Void>?
    /// True while shutting down: connections close after their answer.
    var draining = false

    /// A door on the router's own loop.
    convenience init(admission: any RequestAdmission, eventLoop: any EventLoop, requestTimeout: Duration?,
                     limits: FrontDoorLimits = FrontDoorLimits(), retryAfterSeconds: Int = 1,
                     shared: SharedDoorCounters? = nil) {
        self.init(.local(admission), lane: nil, eventLoop: eventLoop, requestTimeout: requestTimeout, limits: limits,
                  retryAfterSeconds: retryAfterSeconds, shared: shared)
    }

    init(_ admission: Admission, lane: ClientLane?, eventLoop: any EventLoop, requestTimeout: Duration?,
         limits: FrontDoorLimits, retryAfterSeconds: Int = 1, shared: SharedDoorCounters?) {
        self.admission = admission
        self.lane = lane
        self.limits = limits
        self.shared = shared ?? SharedDoorCounters(maxConnections: limits.maxConnections, bodyBudget: limits.bodyBudget)
        self.eventLoop = eventLoop
        self.requestTimeout = requestTimeout.map { .nanoseconds($0.nanosecondsClampedForNIO) }
        self.retryAfterSeconds = retryAfterSeconds
    }

    func opened(_ connection: FrontDoorHandler) {
        connections[ObjectIdentifier(connection)] = connection
    }

    func closed(_ connection: FrontDoorHandler) {
        // Called when the handler leaves and when the channel goes inactive: give the place back once.
        if connections.removeValue(forKey: ObjectIdentifier(connection)) != nil { shared.giveBackConnection() }
    }

    /// Client connections open now, on every loop.
    var connectionCount: Int { shared.openConnections }

    /// Whether a connection just accepted may stay (it then holds a place until `closed`); at the
    /// limit, counted over every loop, it is counted and closed.
    func acceptsConnection() -> Bool {
        shared.takeConnection()
    }

    /// Gives back the place of an accepted connection whose handler was never added.
    func connectionNotOpened() {
        shared.giveBackConnection()
    }

    /// The limits and what happened at them, over every loop.
    var figures: ProxyFigures {
        var figures = ProxyFigures()
        figures.connections = shared.openConnections
        figures.maxConnections = limits.maxConnections
        figures.refusedConnections = shared.refusedConnections.load(ordering: .relaxed)
        figures.acceptPauses = shared.acceptPauses.load(ordering: .relaxed)
        figures.headerTimeout = .nanoseconds(limits.headerTimeout.nanoseconds)
        figures.idleTimeout = .nanoseconds(limits.idleTimeout.nanoseconds)
        figures.headerTimeouts = shared.headerTimeouts.load(ordering: .relaxed)
        figures.idleTimeouts = shared.idleTimeouts.load(ordering: .relaxed)
        figures.bodyBytesReserved = shared.bodyBytesReserved
        figures.bodyBytesLimit = limits.bodyBudget
        figures.bodyBudgetRefusals = shared.bodyBudgetRefusals.load(ordering: .relaxed)
        figures.malformedRequests = shared.malformedRequests.load(ordering: .relaxed)
        figures.connectRefusals = shared.connectRefusals.load(ordering: .relaxed)
        return figures
    }

    /// Request-body bytes reserved by the requests in flight, on every loop.
    var bodyBytesReserved: Int { shared.bodyBytesReserved }

    func countHeaderTimeout() { shared.headerTimeouts.add(1, ordering: .relaxed) }
    func countIdleTimeout() { shared.idleTimeouts.add(1, ordering: .relaxed) }
    func countMalformed() { shared.malformedRequests.add(1, ordering: .relaxed) }
    func countConnectRefused() { shared.connectRefusals.add(1, ordering: .relaxed) }

    /// Reserves the body bytes a request may hold; false (counted) when the budget cannot take them.
    func reserveBody(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        return shared.reserveBody(bytes)
    }

    func admit(_ exchange: ProxyExchange) {
        tally.received += 1
        switch admission {
        case .local(let router):
            let id = router.submit(model: MultiplexedModelHeader.model(in: exchange.head),
                                   externalID: exchange.indexedClientRequestID, payload: exchange) { [exchange] result in
                exchange.door.finish(exchange, result)
            }
            exchange.requestID = id
        case .remote(let link):
            // The id comes back with the send or with how the request ended.
            link.submit(exchange, from: self)
        }
        // A shed request is already finished here.
        guard !exchange.finished, let requestTimeout else { return }
        // Every request has the same timeout, so admission order is deadline order: one queue and
        // one timer for all, instead of a timer per request.
        deadlines.append((NIODeadline.now() + requestTimeout, exchange))
        if sweep == nil { scheduleSweep() }
    }

    /// Wakes at the earliest deadline, and at least every `compactEvery`: each wake cancels the
    /// requests past their deadline and drops the finished ones, so one slow request at the front
    /// cannot pin the finished requests behind it in memory.
    private func scheduleSweep() {
        guard let first = deadlines.first, let requestTimeout else { return }
        let compactEvery = TimeAmount.nanoseconds(min(max(requestTimeout.nanoseconds / 8, 10_000_000), 1_000_000_000))
        let wake = min(first.deadline, NIODeadline.now() + compactEvery)
        sweep = eventLoop.assumeIsolated().scheduleTask(deadline: wake) { [self] in
            sweep = nil
            let now = NIODeadline.now()
            var kept = CircularBuffer<(deadline: NIODeadline, exchange: ProxyExchange)>(initialCapacity: deadlines.count)
            var expired: [ProxyExchange] = []
            for entry in deadlines where !entry.exchange.finished {
                if entry.deadline <= now, entry.exchange.isAdmitted {
                    expired.append(entry.exchange)
                } else {
                    kept.append(entry)
                }
            }
            deadlines = kept
            // Cancelling finishes requests, which trims the queue: do it after the rebuild.
            for exchange in expired { callOff(exchange, reason: .requestTimeout) }
            scheduleSweep()
        }
    }

    /// Drops finished requests from the front of the deadline queue, so it stays short.
    private func trimDeadlines() {
        while let (_, exchange) = deadlines.first, exchange.finished {
            deadlines.removeFirst()
        }
    }

    /// The client left: the request leaves the queue or its upstream call is cancelled.
    func clientGone(_ exchange: ProxyExchange) {
        guard !exchange.finished, exchange.isAdmitted else { return }
        callOff(exchange, reason: .cancelled)
    }

    /// The client's request body did not parse: the request is called off and answered 400.
    func malformedBody(_ exchange: ProxyExchange) {
        guard !exchange.finished, exchange.isAdmitted else { return }
        exchange.malformedBody = true
        callOff(exchange, reason: .cancelled)
    }

    /// Takes an admitted request out of the router.
    private func callOff(_ exchange: ProxyExchange, reason: FailureReason) {
        switch admission {
        case .local(let router):
            if let id = exchange.requestID { router.cancel(id, reason: reason) }
        case .remote(let link):
            link.cancel(exchange, reason: reason)
        }
    }

    /// Closes every client connection that has no request in progress (at shutdown).
    func closeIdleConnections() {
        for connection in connections.values { connection.closeIfIdle() }
    }

    /// Closes every client connection.
    func closeAllConnections() {
        for connection in connections.values { connection.close() }
    }

    /// The router reported how the request ended.
    func finish(_ exchange: ProxyExchange, _ result: RequestResult) {
        exchange.finished = true
        exchange.activeCall = nil
        exchange.releaseBody()
        if exchange.bodyAllowance > 0 { shared.releaseBody(exchange.bodyAllowance) }
        trimDeadlines()
        let client = exchange.client
        switch result {
        case .completed:
            tally.answered += 1
        case .failed(.shed):
            tally.shed += 1
            client?.fail(exchange, status: .serviceUnavailable, message: "pending queue full",
                         retryAfter: retryAfterSeconds)
        case .failed(.routingTimeout):
            tally.routingTimeouts += 1
            client?.fail(exchange, status: .serviceUnavailable, message: "no replica available in time",
                         retryAfter: retryAfterSeconds)
        case .failed(.replicaError):
            if exchange.responseStarted { tally.abortedMidResponse += 1 } else { tally.badGateway += 1 }
            client?.fail(exchange, status: .badGateway, message: "replica failed")
        case .failed(.requestTimeout):
            tally.gatewayTimeouts += 1
            client?.fail(exchange, status: .gatewayTimeout, message: "request timed out")
        case .failed(.cancelled) where exchange.malformedBody:
            tally.malformedBody += 1
            client?.fail(exchange, status: .badRequest, message: "the request body did not parse")
        case .failed(.cancelled):
            tally.clientGone += 1
            client?.close()
        }
    }
}
