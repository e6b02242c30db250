extension Router {
    /// The model figures for a snapshot; nil until a request has named a model or a replica has
    /// reported one.
    func modelFigures() -> ModelFigures? {
        guard replicaSet.modelTally.requests > 0 || replicaSet.modelTally.loadsSeen > 0 else { return nil }
        var holders: [String: [ReplicaID]] = [:]
        var inferred: [String: [ReplicaID]] = [:]
        for replica in replicaSet.records {
            for model in replica.models { holders[model, default: []].append(replica.id) }
            for model in replica.inferredModels { inferred[model, default: []].append(replica.id) }
        }
        var entries: [ModelEntry] = []
        entries.reserveCapacity(replicaSet.modelTally.models.count)
        for (name, tally) in replicaSet.modelTally.models {
            var rate = tally.rate
            var entry = ModelEntry(
                name: name, holders: holders.removeValue(forKey: name) ?? [], requests: tally.requests,
                hits: tally.hits, rate: rate.average(over: 5, at: now)
            )
            entry.inferredHolders = inferred[name]?.sorted() ?? []
            entries.append(entry)
        }
        // Models held but not asked for (yet) are listed too.
        for (name, ids) in holders {
            var entry = ModelEntry(name: name, holders: ids, requests: 0, hits: 0, rate: 0)
            entry.inferredHolders = inferred[name]?.sorted() ?? []
            entries.append(entry)
        }
        entries.sort { ($0.requests, $1.name) > ($1.requests, $0.name) }
        var requestRate = replicaSet.modelTally.rate
        var loadRate = replicaSet.modelTally.loadRate
        var figures = ModelFigures(
            hits: replicaSet.modelTally.hits, misses: replicaSet.modelTally.misses, loads: replicaSet.modelTally.loadsSeen,
            requestRate: requestRate.average(over: 5, at: now), loadRate: loadRate.average(over: 5, at: now),
            models: entries, untrackedRequests: replicaSet.modelTally.untrackedRequests
        )
        figures.recentSeconds = ModelTally.recentSeconds
        figures.recentHits = replicaSet.modelTally.recentHits.total(overLast: ModelTally.recentSeconds, at: now)
        figures.recentMisses = replicaSet.modelTally.recentMisses.total(overLast: ModelTally.recentSeconds, at: now)
        return figures
    }

    /// A replica's models for its snapshot; nil when it never reported any.
    func replicaModels(of replica: ReplicaRecord) -> ReplicaModels? {
        guard !replica.models.isEmpty || replica.modelLoadsSeen > 0 else { return nil }
        let mostUsed = replica.modelUse.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        var models = ReplicaModels(models: replica.models, mostUsed: mostUsed, loads: replica.modelLoadsSeen)
        models.inferred = replica.models.filter(replica.inferredModels.contains)
        models.reportAge = replica.modelsLearnedAt.map { (now - $0).secondsValue }
        return models
    }
}
