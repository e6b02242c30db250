import RouterEngine

/// The models one replica holds, least recently used first: a request for a model it lacks loads
/// it, and beyond `capacity` the least recently used is evicted (as Ray's multiplexed replicas do).
public struct ModelCache: Equatable, Sendable {
    public let capacity: Int
    /// Least recently used first.
    public private(set) var models: [String] = []
    public private(set) var loads = 0
    public private(set) var evictions = 0

    /// What one use of a model did.
    public struct Use: Equatable, Sendable {
        /// It had to be loaded.
        public var loaded: Bool
        /// The model evicted to make room, if any.
        public var evicted: String?
    }

    public init(capacity: Int) {
        precondition(capacity >= 1, "a replica holds at least one model")
        self.capacity = capacity
    }

    /// Uses `model`: it becomes the most recently used, loading (and evicting) as needed.
    public mutating func use(_ model: String) -> Use {
        if let index = models.firstIndex(of: model) {
            models.remove(at: index)
            models.append(model)
            return Use(loaded: false, evicted: nil)
        }
        loads += 1
        var evicted: String?
        if models.count >= capacity {
            evicted = models.removeFirst()
            evictions += 1
        }
        models.append(model)
        return Use(loaded: true, evicted: evicted)
    }

    public func holds(_ model: String) -> Bool { models.contains(model) }
}
