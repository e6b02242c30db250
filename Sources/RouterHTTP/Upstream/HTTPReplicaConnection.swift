import NIOCore
import NIOHTTP1
import RouterEngine

/// The router's line to one HTTP replica: queue-length probes and forwarded requests, over pooled
/// keep-alive connections.
///
/// Called on the router's loop. A request from a client on another loop (a lane) is forwarded on
/// that loop, from that lane's own pool, so its bytes never change threads.
public final class HTTPReplicaConnection: ReplicaConnection {
    public let address: ReplicaAddress
    /// The pool on the router's loop: probes, and requests of clients on that loop.
    private let pool: UpstreamPool
    private let probePath: String
    private let models = ModelEvidenceReader()
    /// Per lane (by `index - 1`): its pool and its reader of model evidence, both confined to its loop.
    private let lanes: [(lane: ClientLane, pool: UpstreamPool, models: ModelEvidenceReader)]

    /// - Parameters:
    ///   - address: the replica's URL.
    ///   - socketAddress: where to connect (resolved once, up front).
    ///   - probePath: the queue-length endpoint, relative to the replica's base path.
    ///   - eventLoop: the router's loop; every call and callback happens on it.
    public convenience init(address: ReplicaAddress, socketAddress: SocketAddress, probePath: String,
                            eventLoop: any EventLoop) {
        self.init(address: address, socketAddress: socketAddress, probePath: probePath, eventLoop: eventLoop, lanes: [])
    }

    init(address: ReplicaAddress, socketAddress: SocketAddress, probePath: String, eventLoop: any EventLoop,
         lanes: [ClientLane]) {
        self.address = address
        self.pool = UpstreamPool(address: socketAddress, eventLoop: eventLoop)
        self.probePath = address.basePath + probePath
        self.lanes = lanes.map { ($0, UpstreamPool(address: socketAddress, eventLoop: $0.eventLoop), ModelEvidenceReader()) }
    }

    public func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
        let probe = ProbeCall(pool: pool, path: probePath, hostHeader: address.hostHeader, answer: answer)
        probe.start()
        return probe
    }

    public func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
        guard let exchange = Self.exchange(carriedBy: request) else {
            // Only the front door submits to HTTP replicas; anything else cannot be carried.
            pool.eventLoop.assumeIsolated().execute { finished(.failedBeforeResponse) }
            return nil
        }
        if let lane = exchange.lane { return sendOnLane(lane, exchange, request, finished) }
        // The router may send before `submit` returned the id to the front door (a cache hit):
        // the id it sends with is the one the `X-Request-Id` must carry.
        if exchange.requestID == nil { exchange.requestID = request.id }
        let call = UpstreamCall(exchange: exchange, pool: pool, upstreamTarget: upstreamTarget(for: exchange),
                                model: request.model, models: models, finished: finished)
        call.start()
        return call
    }

    /// The request's exchange, by an exact type check instead of `as?`, which goes through the
    /// runtime's dynamic cast. Not inlined: inlined, the optimizer kept the optional payload as the
    /// exchange's owner, and each retain of it was a copy of an `AnyObject?` through its type's
    /// value witness, about 110 instructions, three a send.
    @inline(never)
    private static func exchange(carriedBy request: DispatchedRequest) -> ProxyExchange? {
        guard let payload = request.payload, type(of: payload) == ProxyExchange.self else { return nil }
        return unsafeDowncast(payload, to: ProxyExchange.self)
    }

    /// Starts the call on the exchange's lane; its outcome comes back to the router's loop, unless
    /// the router called it off meanwhile (the request may be on its way elsewhere by then).
    private func sendOnLane(
        _ lane: ClientLane, _ exchange: ProxyExchange, _ request: DispatchedRequest,
        _ finished: @escaping (SendOutcome) -> Void
    ) -> any Cancellable {
        let handle = LaneCallHandle(lane: lane)
        let (_, pool, models) = lanes[lane.index - 1]
        let id = request.id
        let model = request.model
        lane.toLane.post { [self] in
            if exchange.requestID == nil { exchange.requestID = id }
            let call = UpstreamCall(exchange: exchange, pool: pool, upstreamTarget: upstreamTarget(for: exchange),
                                    model: model, models: models) { outcome in
                handle.call = nil
                lane.toEngine.post {
                    if !handle.cancelled { finished(outcome) }
                }
            }
            handle.call = call
            call.start()
        }
        return handle
    }

    public func reportModelEvidence(to sink: @escaping (ModelEvidence) -> Void) {
        models.report(to: sink)
        for (lane, _, models) in lanes {
            // Set on the lane's loop, before any call the router sends there later.
            lane.toLane.post {
                models.report { evidence in lane.toEngine.postNow { sink(evidence) } }
            }
        }
    }

    /// Closes the idle connections (on each loop); busy ones close when their exchange ends.
    public func closeIdleConnections() {
        pool.closeIdle()
        for (lane, pool, _) in lanes { lane.toLane.post { pool.closeIdle() } }
    }

    private func upstreamTarget(for exchange: ProxyExchange) -> String {
        let target = exchange.forwardedTarget
        return address.basePath.isEmpty ? target : RequestTarget.withBasePath(address.basePath, target)
    }
}

/// The router's handle on an upstream call running on a lane.
private final class LaneCallHandle: Cancellable {
    let lane: ClientLane
    /// Set on the router's loop when it called the call off: a late outcome is dropped.
    var cancelled = false
    /// The call, on the lane's loop, until it reported or was called off.
    var call: UpstreamCall?

    init(lane: ClientLane) {
        self.lane = lane
    }

    func cancel() {
        guard !cancelled else { return }
        cancelled = true
        lane.toLane.post { [self] in
            call?.cancel()
            call = nil
        }
    }
}
