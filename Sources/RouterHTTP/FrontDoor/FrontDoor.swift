import NIOCore
import NIOHTTP1
import RouterEngine

/// The request path of the proxy: admits each client request to the router and turns the way it
/// ended into what the client sees.
///
/// Confined to the router's event loop, like the router and every client connection.
final class FrontDoor {
    private let admission: any RequestAdmission
    let eventLoop: any EventLoop
    private let requestTimeout: TimeAmount?
    private let retryAfterSeconds: Int
    private(set) var tally = ClientTally()
    let limits: FrontDoorLimits
    /// Counters kept at the limits, for the snapshot (the live figures are filled in by `figures`).
    private var counted = ProxyFigures()
    /// Request-body bytes reserved by the requests in flight.
    private(set) var bodyBytesReserved = 0
    private var connections: [ObjectIdentifier: FrontDoorHandler] = [:]
    /// Requests with a timeout, oldest first.
    private var deadlines = CircularBuffer<(deadline: NIODeadline, exchange: ProxyExchange)>()
    private var sweep: Scheduled<Void>?
    /// True while shutting down: connections close after their answer.
    var draining = false

    init(admission: any RequestAdmission, eventLoop: any EventLoop, requestTimeout: Duration?,
         limits: FrontDoorLimits = FrontDoorLimits(), retryAfterSeconds: Int = 1) {
        self.admission = admission
        self.limits = limits
        self.eventLoop = eventLoop
        self.requestTimeout = requestTimeout.map { .nanoseconds($0.nanosecondsClampedForNIO) }
        self.retryAfterSeconds = retryAfterSeconds
    }

    func opened(_ connection: FrontDoorHandler) {
        connections[ObjectIdentifier(connection)] = connection
    }

    func closed(_ connection: FrontDoorHandler) {
        connections[ObjectIdentifier(connection)] = nil
    }

    /// Client connections open now.
    var connectionCount: Int { connections.count }

    /// Whether a connection just accepted may stay; at the limit it is counted and closed.
    func acceptsConnection() -> Bool {
        guard connections.count < limits.maxConnections else {
            counted.refusedConnections += 1
            return false
        }
        return true
    }

    /// The limits and what happened at them.
    var figures: ProxyFigures {
        var figures = counted
        figures.connections = connections.count
        figures.maxConnections = limits.maxConnections
        figures.headerTimeout = .nanoseconds(limits.headerTimeout.nanoseconds)
        figures.idleTimeout = .nanoseconds(limits.idleTimeout.nanoseconds)
        figures.bodyBytesReserved = bodyBytesReserved
        figures.bodyBytesLimit = limits.bodyBudget
        return figures
    }

    func countHeaderTimeout() { counted.headerTimeouts += 1 }
    func countIdleTimeout() { counted.idleTimeouts += 1 }
    func countMalformed() { counted.malformedRequests += 1 }
    func countConnectRefused() { counted.connectRefusals += 1 }

    /// Reserves the body bytes a request may hold; false (counted) when the budget cannot take them.
    func reserveBody(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        guard bodyBytesReserved + bytes <= limits.bodyBudget else {
            counted.bodyBudgetRefusals += 1
            return false
        }
        bodyBytesReserved += bytes
        return true
    }

    func admit(_ exchange: ProxyExchange) {
        tally.received += 1
        let id = admission.submit(model: MultiplexedModelHeader.model(in: exchange.head.headers),
                                  externalID: exchange.indexedClientRequestID, payload: exchange) { [self] result in
            finish(exchange, result)
        }
        exchange.requestID = id
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
            var expired: [RequestID] = []
            for entry in deadlines where !entry.exchange.finished {
                if entry.deadline <= now, let id = entry.exchange.requestID {
                    expired.append(id)
                } else {
                    kept.append(entry)
                }
            }
            deadlines = kept
            // Cancelling finishes requests, which trims the queue: do it after the rebuild.
            for id in expired { admission.cancel(id, reason: .requestTimeout) }
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
        guard !exchange.finished, let id = exchange.requestID else { return }
        admission.cancel(id, reason: .cancelled)
    }

    /// The client's request body did not parse: the request is called off and answered 400.
    func malformedBody(_ exchange: ProxyExchange) {
        guard !exchange.finished, let id = exchange.requestID else { return }
        exchange.malformedBody = true
        admission.cancel(id, reason: .cancelled)
    }

    /// Closes every client connection that has no request in progress (at shutdown).
    func closeIdleConnections() {
        for connection in connections.values { connection.closeIfIdle() }
    }

    /// Closes every client connection.
    func closeAllConnections() {
        for connection in connections.values { connection.close() }
    }

    private func finish(_ exchange: ProxyExchange, _ result: RequestResult) {
        exchange.finished = true
        exchange.activeCall = nil
        exchange.releaseBody()
        bodyBytesReserved -= exchange.bodyAllowance
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
