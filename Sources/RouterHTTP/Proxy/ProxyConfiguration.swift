import NIOCore
import RouterEngine

/// Everything the proxy needs to start: where to listen, the replicas, and the router's settings.
public struct ProxyConfiguration: Sendable {
    public var listenHost: String
    /// 0 picks a free port.
    public var listenPort: Int
    public var replicas: [ReplicaSpec]
    public var settings: RouterSettings
    public var options: Router.Options
    /// A request that takes longer ends with 504; nil never times out.
    public var requestTimeout: Duration?
    /// The queue-length endpoint of every replica.
    public var probePath: String
    /// Seed of the router's random choices; nil draws one from the system.
    public var seed: UInt64?
    /// Time a client may take to send a request head (from its first byte, or from connecting); then 408.
    public var headerTimeout: Duration = .seconds(10)
    /// Time a keep-alive client connection may stay without a request before it is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// Client connections open at once; more are closed as soon as they are accepted.
    public var maxConnections: Int = ProxyConfiguration.defaultMaxConnections()
    /// Request-body bytes held for all requests together (each holds up to 1 MiB); a request whose
    /// body would take it over gets 503.
    public var bodyBudgetBytes: Int = 64 << 20
    /// Whether CONNECT requests are passed to replicas; otherwise they get 405.
    public var allowConnect = false
    /// Event loops (threads) carrying client connections; the router runs on the first of them.
    public var eventLoops: Int = ProxyConfiguration.defaultEventLoops()
    /// The most event loops a proxy runs.
    public static let maxEventLoops = 64

    public init(
        listenHost: String = "127.0.0.1",
        listenPort: Int = 8000,
        replicas: [ReplicaSpec] = [],
        settings: RouterSettings = .defaults,
        options: Router.Options = Router.Options(),
        requestTimeout: Duration? = .seconds(60),
        probePath: String = "/-/queue-length",
        seed: UInt64? = nil
    ) {
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.replicas = replicas
        self.settings = settings
        self.options = options
        self.requestTimeout = requestTimeout
        self.probePath = probePath
        self.seed = seed
    }

    /// Half of the descriptors the process may open, less 64 for everything else: each client
    /// connection may need one to a replica too.
    public static func defaultMaxConnections() -> Int {
        guard let descriptors = DescriptorHeadroom.currentLimit() else { return 10_000 }
        return max(1, (descriptors - 64) / 2)
    }

    /// One event loop per core the process may run on, up to `maxEventLoops`.
    public static func defaultEventLoops() -> Int {
        min(max(System.coreCount, 1), maxEventLoops)
    }

    /// `HOST:PORT` as the operator wrote it, for the header and messages.
    public var listenDescription: String {
        listenHost.contains(":") ? "[\(listenHost)]:\(listenPort)" : "\(listenHost):\(listenPort)"
    }
}
