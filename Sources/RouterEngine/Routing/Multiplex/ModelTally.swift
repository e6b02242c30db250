/// The router's running counts of multiplexed routing: sends that hit or missed a holder of their
/// model, loads seen in reports, and per-model request counts for the busiest models.
struct ModelTally {
    /// The most models counted one by one; requests for others are counted together.
    static let modelCapacity = 1000

    struct PerModel {
        var requests = 0
        var hits = 0
        var rate = RateCounter(seconds: 11)
    }

    var hits = 0
    var misses = 0
    var loadsSeen = 0
    /// Requests for models beyond `modelCapacity`.
    var untrackedRequests = 0
    var fallbacksNotRemembered = 0
    var reportsTruncated = 0
    /// Model ids of reports that were not kept: beyond the limit, or not valid ids.
    var idsNotKept = 0
    var rate = RateCounter(seconds: 11)
    var loadRate = RateCounter(seconds: 11)
    /// Hits and misses per second, for the hit rate of the last `recentSeconds`.
    var recentHits = RateCounter(seconds: recentSeconds + 1)
    var recentMisses = RateCounter(seconds: recentSeconds + 1)
    /// The hit rate on screen covers the last 15 s (and the second under way), not the router's life.
    static let recentSeconds = 15
    var models: [String: PerModel] = [:]

    var requests: Int { hits + misses }

    mutating func record(_ model: String, hit: Bool, at time: EngineTime) {
        rate.record(at: time)
        if hit { recentHits.record(at: time) } else { recentMisses.record(at: time) }
        if models[model] == nil, models.count >= Self.modelCapacity {
            untrackedRequests += 1
            return
        }
        models[model, default: PerModel()].requests += 1
        if hit { models[model]!.hits += 1 }
        models[model]!.rate.record(at: time)
    }
}
