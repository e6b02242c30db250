@testable import RouterEngine

extension RouterHarness {
    /// Submits a request for `model`, recording its result like `submit()`.
    @discardableResult
    func submit(model: String?) -> RequestID {
        let results = self.results
        let id = RequestID(UInt64(router.totals.admitted + 1))
        let assigned = router.submit(model: model) { result in results.byID[id] = result }
        precondition(assigned == id)
        return id
    }

    /// A replica that reports `models()` and its open requests as its queue length.
    @discardableResult
    func addHolder(_ id: String, max: Int = 5, models: @escaping () -> [String]) -> ScriptedReplica {
        // Its first probe goes out as it is added, and answers what it holds then.
        let replica = add(id, max: max) { .queueLength(0, models: models()) }
        replica.probeAnswer = { [unowned replica] in .queueLength(replica.open.count, models: models()) }
        return replica
    }

    /// The tiers of the attempts made for `id`, from its trace (it must have finished).
    func tiers(of id: RequestID) -> [TraceTier] {
        router.recentTraces().traces.first { $0.request == id.rawValue }?.attempts.map(\.tier) ?? []
    }
}
