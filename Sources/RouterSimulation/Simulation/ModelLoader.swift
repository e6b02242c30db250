import RouterEngine

/// The models a replica holds and the loads in progress: a request for a model waits for nothing
/// when it is loaded, for the rest of its load when it is loading, and for a whole load (which may
/// evict the least recently used model) when it is not held. Shared by the simulated and the HTTP
/// replicas; times are offsets on the caller's clock.
public struct ModelLoader: Equatable, Sendable {
    public private(set) var cache: ModelCache
    public let loadTime: Duration
    private var readyAt: [String: Duration] = [:]

    public init(maxModels: Int, loadTime: Duration) {
        cache = ModelCache(capacity: maxModels)
        self.loadTime = loadTime
    }

    /// Uses `model` at `now`: how long the request waits for it, and whether it was loaded already.
    public mutating func use(_ model: String, now: Duration) -> (wait: Duration, hit: Bool) {
        let use = cache.use(model)
        if let evicted = use.evicted { readyAt[evicted] = nil }
        if use.loaded {
            readyAt[model] = now + loadTime
            return (loadTime, false)
        }
        guard let ready = readyAt[model] else { return (.zero, true) }
        guard ready > now else {
            readyAt[model] = nil
            return (.zero, true)
        }
        return (ready - now, true)
    }

    /// The models it holds, least recently used first (loading ones included).
    public var models: [String] { cache.models }
}
