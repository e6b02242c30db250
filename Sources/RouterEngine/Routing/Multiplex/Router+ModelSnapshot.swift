extension Router {
    /// The model figures for a snapshot; nil until a request has named a model or a replica has
    /// reported one.
    func modelFigures() -> ModelFigures? {
        guard modelTally.requests > 0 || modelTally.loadsSeen > 0 else { return nil }
        var holders: [String: [ReplicaID]] = [:]
        for replica in replicas {
            for model in replica.models { holders[model, default: []].append(replica.id) }
        }
        var entries: [ModelEntry] = []
        entries.reserveCapacity(modelTally.models.count)
        for (name, tally) in modelTally.models {
            var rate = tally.rate
            entries.append(ModelEntry(
                name: name, holders: holders.removeValue(forKey: name) ?? [], requests: tally.requests,
                hits: tally.hits, rate: rate.average(over: 5, at: now)
            ))
        }
        // Models held but not asked for (yet) are listed too.
        for (name, ids) in holders {
            entries.append(ModelEntry(name: name, holders: ids, requests: 0, hits: 0, rate: 0))
        }
        entries.sort { ($0.requests, $1.name) > ($1.requests, $0.name) }
        var requestRate = modelTally.rate
        var loadRate = modelTally.loadRate
        return ModelFigures(
            hits: modelTally.hits, misses: modelTally.misses, loads: modelTally.loadsSeen,
            requestRate: requestRate.average(over: 5, at: now), loadRate: loadRate.average(over: 5, at: now),
            models: entries, untrackedRequests: modelTally.untrackedRequests
        )
    }

    /// A replica's models for its snapshot; nil when it never reported any.
    func replicaModels(of replica: ReplicaRecord) -> ReplicaModels? {
        guard !replica.models.isEmpty || replica.modelLoadsSeen > 0 else { return nil }
        let mostUsed = replica.modelUse.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        return ReplicaModels(models: replica.models, mostUsed: mostUsed, loads: replica.modelLoadsSeen)
    }
}
