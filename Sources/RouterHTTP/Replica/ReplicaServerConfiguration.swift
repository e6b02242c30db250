/// How a `ReplicaServer` behaves: its capacity, its service time and its probe endpoint.
public struct ReplicaServerConfiguration: Sendable, Equatable {
    /// Requests it works on at once; more are refused with 503.
    public var maxOngoing: Int
    /// Time each request takes.
    public var serviceTime: Duration
    /// Extra time drawn uniformly from zero to this, per request.
    public var jitter: Duration
    /// The path of the queue-length endpoint.
    public var queueLengthPath: String
    /// When false the queue-length endpoint answers 404, like a service that has none.
    public var answersQueueLength: Bool
    /// The most models it holds at once (multiplexing); nil serves every model without loading.
    public var maxModels: Int?
    /// How long loading a model it does not hold takes, on top of the service time.
    public var modelLoad: Duration
    /// Whether every answer tells its model set in the `ModelIDsHeader` (when it serves models);
    /// false behaves like a replica of a server that never does.
    public var tellsModelsInAnswers = true

    public init(
        maxOngoing: Int = 5,
        serviceTime: Duration = .milliseconds(20),
        jitter: Duration = .zero,
        queueLengthPath: String = "/-/queue-length",
        answersQueueLength: Bool = true,
        maxModels: Int? = nil,
        modelLoad: Duration = .zero
    ) {
        self.maxOngoing = maxOngoing
        self.serviceTime = serviceTime
        self.jitter = jitter
        self.queueLengthPath = queueLengthPath
        self.answersQueueLength = answersQueueLength
        self.maxModels = maxModels
        self.modelLoad = modelLoad
    }
}

/// Faults switched on in a `ReplicaServer`, through its fault endpoint or its API.
public struct ReplicaServerFaults: Sendable, Equatable {
    /// Probe answers wait this long.
    public var slowProbe: Duration?
    /// Probes answer 503.
    public var unavailable = false
    /// Work requests are taken, and after their service time the connection closes with no answer.
    public var drop = false
    /// Work requests get their response head and part of the body, then the connection closes.
    public var truncate = false
    /// Probes get a 200 with a web page instead of the queue length, as an ordinary web server answers.
    public var pageProbe = false

    public init(slowProbe: Duration? = nil, unavailable: Bool = false, drop: Bool = false, truncate: Bool = false) {
        self.slowProbe = slowProbe
        self.unavailable = unavailable
        self.drop = drop
        self.truncate = truncate
    }
}

/// Header a replica sets on a 503 that means "full, try another": the router routes the request again.
public enum ReplicaHeaders {
    /// Every answer's model set, when it serves models (see `ModelIDsHeader`).
    public static let modelIDs = ModelIDsHeader.name
    public static let rejected = "x-replica-rejected"
    public static let queueLength = "x-replica-queue-length"
}
