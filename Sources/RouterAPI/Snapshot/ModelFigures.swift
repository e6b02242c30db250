/// Multiplexed routing at one moment: how often requests for a model went to a replica that held
/// it, the loads the replicas reported, and each model's holders and request rate.
public struct ModelFigures: Codable, Equatable, Sendable {
    /// Requests for a model sent to a replica whose last report held it, and to one that did not.
    public var hits: Int
    public var misses: Int
    /// Models that appeared in replicas' reports (loads the router saw), over its life.
    public var loads: Int
    /// Requests for models per second, and loads seen per second, over the last few seconds.
    public var requestRate: Double
    public var loadRate: Double
    /// The models asked for or held, busiest first (the router counts at most 1000 one by one).
    public var models: [ModelEntry]
    /// Requests for models beyond those counted one by one.
    public var untrackedRequests: Int
    /// Hits and misses over the last `recentSeconds` seconds (and the second under way).
    public var recentHits: Int = 0
    public var recentMisses: Int = 0
    public var recentSeconds: Int = 0

    /// hits / (hits + misses); nil before any request for a model was sent.
    public var hitRate: Double? {
        hits + misses == 0 ? nil : Double(hits) / Double(hits + misses)
    }

    /// The hit rate of the last `recentSeconds`; nil when no request for a model was sent in them.
    public var recentHitRate: Double? {
        recentHits + recentMisses == 0 ? nil : Double(recentHits) / Double(recentHits + recentMisses)
    }

    public init(
        hits: Int, misses: Int, loads: Int, requestRate: Double, loadRate: Double, models: [ModelEntry],
        untrackedRequests: Int = 0
    ) {
        self.hits = hits
        self.misses = misses
        self.loads = loads
        self.requestRate = requestRate
        self.loadRate = loadRate
        self.models = models
        self.untrackedRequests = untrackedRequests
    }
}

/// One model: the replicas whose last report holds it and the requests that asked for it.
public struct ModelEntry: Codable, Equatable, Sendable {
    public var name: String
    public var holders: [ReplicaID]
    public var requests: Int
    public var hits: Int
    /// Requests per second over the last few seconds.
    public var rate: Double
    /// The holders known only from successful answers, not from a report.
    public var inferredHolders: [ReplicaID] = []

    public init(name: String, holders: [ReplicaID], requests: Int, hits: Int, rate: Double) {
        self.name = name
        self.holders = holders
        self.requests = requests
        self.hits = hits
        self.rate = rate
    }
}

/// The models one replica reported holding, and the one it served most requests for.
public struct ReplicaModels: Codable, Equatable, Sendable {
    /// As the replica reported them (least recently used first, for routertop replicas).
    public var models: [String]
    public var mostUsed: String?
    /// Models that appeared in its reports, over its life.
    public var loads: Int
    /// Models known only from its successful answers to requests for them, not from a report.
    public var inferred: [String] = []
    /// Seconds since its models were last reported or inferred; nil before.
    public var reportAge: Double?

    public init(models: [String], mostUsed: String?, loads: Int) {
        self.models = models
        self.mostUsed = mostUsed
        self.loads = loads
    }
}
