import NIOCore

/// What the front door allows each client and all of them together.
struct FrontDoorLimits {
    /// Time from the first byte of a request (or from connecting) to its whole head; then 408.
    var headerTimeout: TimeAmount
    /// Time a keep-alive connection may stay without a request before it is closed.
    var idleTimeout: TimeAmount
    /// Client connections open at once; more are closed as soon as they are accepted.
    var maxConnections: Int
    /// Request-body bytes the router may hold for all requests together; a request whose body
    /// would take it over gets 503.
    var bodyBudget: Int
    /// Whether CONNECT is passed to replicas; otherwise it gets 405.
    var allowConnect: Bool
    /// Bytes of pipelined requests held while the answer before them is written; past it the
    /// client is not read until the queue drains.
    var maxQueuedBytes: Int

    init(headerTimeout: TimeAmount = .seconds(10), idleTimeout: TimeAmount = .seconds(60),
         maxConnections: Int = 10_000, bodyBudget: Int = 64 << 20, allowConnect: Bool = false,
         maxQueuedBytes: Int = 64 << 10) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.bodyBudget = bodyBudget
        self.allowConnect = allowConnect
        self.maxQueuedBytes = maxQueuedBytes
    }
}
