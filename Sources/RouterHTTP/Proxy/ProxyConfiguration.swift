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

    /// `HOST:PORT` as the operator wrote it, for the header and messages.
    public var listenDescription: String {
        listenHost.contains(":") ? "[\(listenHost)]:\(listenPort)" : "\(listenHost):\(listenPort)"
    }
}
