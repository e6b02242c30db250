extension Router {
    /// How often a replica with inferred models is probed, so an eviction is learnt.
    static let inferredModelProbeInterval: Duration = .seconds(1)

    /// Takes what one of a replica's answers said about its models: a versioned report (adopted when
    /// its version differs from the last one), or a success for a model it did not report (inferred).
    func modelEvidence(_ evidence: ModelEvidence, from replica: ReplicaRecord) {
        guard replicaSet.holds(replica), replica.state != .dead else { return }
        switch evidence {
        case .report(let version, let models):
            guard replica.modelReportVersion != version else {
                // The same set as before: only its age is news.
                replica.modelsLearnedAt = now
                return
            }
            // A different version, higher or (after the replica restarted) lower, is the set now.
            replica.modelReportVersion = version
            adoptModelReport(models, for: replica)
        case .served(let model):
            // A replica that tells its set is believed; success proves nothing more.
            guard replica.modelReportVersion == nil, options.multiplexRouting else { return }
            guard !replica.models.contains(model) else { return }
            guard replica.models.count < Self.modelReportLimit else {
                replicaSet.modelTally.reportsTruncated += 1
                return
            }
            replica.models.append(model)
            replica.inferredModels.insert(model)
            replica.modelsLearnedAt = now
            replica.modelLoadsSeen += 1
            replicaSet.modelTally.loadsSeen += 1
            replicaSet.modelTally.loadRate.record(at: now)
            scheduleInferredModelProbe(replica)
        }
    }

    /// While any of its models is inferred, the replica is probed every second (its probe answer
    /// lists what it really holds), however fresh its queue length is.
    private func scheduleInferredModelProbe(_ replica: ReplicaRecord) {
        guard replica.inferenceProbeTimer == nil, !replica.countsLocally else { return }
        replica.inferenceProbeTimer = scheduler.schedule(after: Self.inferredModelProbeInterval) { [handle, replica] in
            replica.inferenceProbeTimer = nil
            guard let router = handle.object, router.replicaSet.holds(replica), !replica.inferredModels.isEmpty else { return }
            if replica.probe == nil, replica.isRoutable { router.probe(replica, waiter: nil, attemptIndex: 0) }
            router.scheduleInferredModelProbe(replica)
        }
    }
}
