// Multiplexed routing figures as the contract writes them (`$defs/models`, `model_entry`, `replica_models`).
// What a router may not know (recent windows, inferred holders, report ages) is optional on the wire.

extension ModelFigures {
    enum CodingKeys: String, CodingKey {
        case hits, misses, loads, models
        case requestRate = "request_rate_per_s"
        case loadRate = "load_rate_per_s"
        case untrackedRequests = "untracked_requests"
        case recentHits = "recent_hits"
        case recentMisses = "recent_misses"
        case recentSeconds = "recent_window_s"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            hits: try c.decode(Int.self, forKey: .hits), misses: try c.decode(Int.self, forKey: .misses),
            loads: try c.decode(Int.self, forKey: .loads), requestRate: try c.decode(Double.self, forKey: .requestRate),
            loadRate: try c.decode(Double.self, forKey: .loadRate), models: try c.decode([ModelEntry].self, forKey: .models),
            untrackedRequests: try c.decode(Int.self, forKey: .untrackedRequests)
        )
        recentHits = try c.decodeIfPresent(Int.self, forKey: .recentHits) ?? 0
        recentMisses = try c.decodeIfPresent(Int.self, forKey: .recentMisses) ?? 0
        recentSeconds = try c.decodeIfPresent(Int.self, forKey: .recentSeconds) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hits, forKey: .hits)
        try c.encode(misses, forKey: .misses)
        try c.encode(loads, forKey: .loads)
        try c.encode(requestRate, forKey: .requestRate)
        try c.encode(loadRate, forKey: .loadRate)
        try c.encode(models, forKey: .models)
        try c.encode(untrackedRequests, forKey: .untrackedRequests)
        try c.encode(recentHits, forKey: .recentHits)
        try c.encode(recentMisses, forKey: .recentMisses)
        try c.encode(recentSeconds, forKey: .recentSeconds)
    }
}

extension ModelEntry {
    enum CodingKeys: String, CodingKey {
        case name, holders, requests, hits
        case rate = "rate_per_s"
        case inferredHolders = "inferred_holders"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), holders: try c.decode([ReplicaID].self, forKey: .holders),
            requests: try c.decode(Int.self, forKey: .requests), hits: try c.decode(Int.self, forKey: .hits),
            rate: try c.decode(Double.self, forKey: .rate)
        )
        inferredHolders = try c.decodeIfPresent([ReplicaID].self, forKey: .inferredHolders) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(holders, forKey: .holders)
        try c.encode(requests, forKey: .requests)
        try c.encode(hits, forKey: .hits)
        try c.encode(rate, forKey: .rate)
        try c.encode(inferredHolders, forKey: .inferredHolders)
    }
}

extension ReplicaModels {
    enum CodingKeys: String, CodingKey {
        case models, loads, inferred
        case mostUsed = "most_used"
        case reportAge = "report_age_s"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            models: try c.decode([String].self, forKey: .models), mostUsed: try c.decodeIfPresent(String.self, forKey: .mostUsed),
            loads: try c.decode(Int.self, forKey: .loads)
        )
        inferred = try c.decodeIfPresent([String].self, forKey: .inferred) ?? []
        reportAge = try c.decodeIfPresent(Double.self, forKey: .reportAge)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(models, forKey: .models)
        try c.encodeIfPresent(mostUsed, forKey: .mostUsed)
        try c.encode(loads, forKey: .loads)
        try c.encode(inferred, forKey: .inferred)
        try c.encodeIfPresent(reportAge, forKey: .reportAge)
    }
}
