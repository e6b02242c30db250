import NIOCore
import NIOHTTP1
import RouterEngine

/// The router's line to one HTTP replica: queue-length probes and forwarded requests, over pooled
/// keep-alive connections on the router's event loop.
public final class HTTPReplicaConnection: ReplicaConnection {
    public let address: ReplicaAddress
    private let pool: UpstreamPool
    private let probePath: String
    private let models = ModelEvidenceReader()

    /// - Parameters:
    ///   - address: the replica's URL.
    ///   - socketAddress: where to connect (resolved once, up front).
    ///   - probePath: the queue-length endpoint, relative to the replica's base path.
    ///   - eventLoop: the router's loop; every call and callback happens on it.
    public init(address: ReplicaAddress, socketAddress: SocketAddress, probePath: String, eventLoop: any EventLoop) {
        self.address = address
        self.pool = UpstreamPool(address: socketAddress, eventLoop: eventLoop)
        self.probePath = address.basePath + probePath
    }

    public func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
        let probe = ProbeCall(pool: pool, path: probePath, hostHeader: address.hostHeader, answer: answer)
        probe.start()
        return probe
    }

    public func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
        // An exact type check instead of `as?`, which goes through the runtime's dynamic cast.
        guard let payload = request.payload, type(of: payload) == ProxyExchange.self else {
            // Only the front door submits to HTTP replicas; anything else cannot be carried.
            pool.eventLoop.assumeIsolated().execute { finished(.failedBeforeResponse) }
            return nil
        }
        let exchange = unsafeDowncast(payload, to: ProxyExchange.self)
        // The router may send before `submit` returned the id to the front door (a cache hit):
        // the id it sends with is the one the `X-Request-Id` must carry.
        if exchange.requestID == nil { exchange.requestID = request.id }
        let call = UpstreamCall(exchange: exchange, pool: pool, upstreamHead: upstreamHead(for: exchange),
                                model: request.model, models: models, finished: finished)
        call.start()
        return call
    }

    public func reportModelEvidence(to sink: @escaping (ModelEvidence) -> Void) {
        models.report(to: sink)
    }

    /// Closes the idle connections; busy ones close when their exchange ends.
    public func closeIdleConnections() {
        pool.closeIdle()
    }

    private func upstreamHead(for exchange: ProxyExchange) -> HTTPRequestHead {
        var head = exchange.forwardedHead()
        if !address.basePath.isEmpty { head.uri = RequestTarget.withBasePath(address.basePath, head.uri) }
        return head
    }
}
