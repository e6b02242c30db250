extension Router {
    /// The models `id` said it holds in its last probe answer; nil when there is no such replica.
    public func replicaModels(_ id: ReplicaID) -> [String]? {
        replicaSet[id]?.models
    }

    /// The candidate set of the next attempt for a request with `model`, as Ray's multiplexed
    /// routing builds it, written into `candidates`.
    ///
    /// Within the request's matching timeout: the replicas holding the model, until an attempt over
    /// them found nothing; the fewest-models set when none holds it the first time the router sees
    /// that (a later request waits, with an empty set, for the report of the replica the first one
    /// went to) or when the holders were tried. Past the timeout: the fewest-models set once, then all.
    func multiplexTier(for request: RequestRecord, model: String, into candidates: inout [ReplicaRecord]) -> CandidateTier {
        candidates.removeAll(keepingCapacity: true)
        if now - request.admittedAt < request.matchingTimeout {
            if !request.routing.triedHolders {
                collectHolders(of: model, into: &candidates)
                if !candidates.isEmpty {
                    replicaSet.holdersFound(for: model)
                    return .model
                }
                if replicaSet.isFallbackMatch(model) { return .model }
            }
            replicaSet.rememberFallback(model)
            collectFewestModels(into: &candidates)
            return .fewestModels
        }
        if !request.routing.triedFewestAfterTimeout {
            collectFewestModels(into: &candidates)
            return .fewestModels
        }
        candidates.append(contentsOf: allTier)
        return .all
    }

    /// The model that steers the request's routing: its own, unless multiplexed routing is off.
    func routingModel(of request: RequestRecord) -> String? {
        options.multiplexRouting ? request.model : nil
    }

    /// A failed multiplexing attempt uses up its tier for the request.
    func noteFailedMultiplexAttempt(_ task: RoutingTask) {
        let request = task.request
        guard routingModel(of: request) != nil else { return }
        switch task.tier {
        case .model:
            request.routing.triedHolders = true
        case .fewestModels where now - request.admittedAt >= request.matchingTimeout:
            request.routing.triedFewestAfterTimeout = true
        default:
            break
        }
    }

    /// The routable replicas whose last report holds `model`.
    func collectHolders(of model: String, into candidates: inout [ReplicaRecord]) {
        for replica in allTier where replica.models.contains(model) { candidates.append(replica) }
    }

    /// The routable replicas holding the fewest models (by their last reports).
    func collectFewestModels(into candidates: inout [ReplicaRecord]) {
        var fewest = Int.max
        for replica in allTier { fewest = min(fewest, replica.models.count) }
        for replica in allTier where replica.models.count == fewest { candidates.append(replica) }
    }

    /// The index in the pending queue of the request a replica found by `task` goes to: the oldest
    /// waiting for the model it was chosen for, else the oldest waiting.
    func recipientIndex(for task: RoutingTask) -> Int? {
        queue.oldestIndex(waitingFor: routingModel(of: task.request))
    }

    /// Takes a replica's report of the models it holds (a probe answer's, or an answer header's);
    /// models new to it count as loads, and what was only inferred gives way to the report.
    func adoptModelReport(_ models: [String], notKept: Int = 0, for replica: ReplicaRecord) {
        let report = Array(models.prefix(Self.modelReportLimit))
        let dropped = notKept + models.count - report.count
        if dropped > 0 {
            replicaSet.modelTally.reportsTruncated += 1
            replicaSet.modelTally.idsNotKept += dropped
            if !replica.modelReportCutTold {
                // Once per replica: a replica that always reports too much would fill the event log.
                replica.modelReportCutTold = true
                record(.warning, "\(replica.id) reported \(models.count + notKept) model ids; the router keeps the first "
                    + "\(report.count) valid ones (at most \(Self.modelReportLimit)) and drops \(dropped); said once for this replica")
            }
        }
        // An inferred model was counted as a load when it was inferred.
        for model in report where !replica.models.contains(model) {
            replica.modelLoadsSeen += 1
            replicaSet.modelTally.loadsSeen += 1
            replicaSet.modelTally.loadRate.record(at: now)
        }
        replica.inferredModels.removeAll()
        replica.modelsLearnedAt = now
        replica.models = report
        replica.modelUse = replica.modelUse.filter { report.contains($0.key) }
    }

    /// The most models of one replica's report the router keeps.
    static let modelReportLimit = 256

    /// Counts a request for a model sent to `replica`: a hit when its last report holds the model.
    func countModelSend(_ model: String, to replica: ReplicaRecord) {
        let hit = replica.models.contains(model)
        if hit {
            replicaSet.modelTally.hits += 1
            replica.modelUse[model, default: 0] += 1
        } else {
            replicaSet.modelTally.misses += 1
        }
        replicaSet.modelTally.record(model, hit: hit, at: now)
    }
}
