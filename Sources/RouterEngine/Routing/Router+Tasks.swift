import Histogram

extension Router {
    /// Starts routing tasks until there are `min(pending, min(cap, 2 × replicas))` of them, each
    /// claiming the oldest waiting request that no task searches for yet.
    func ensureTasks() {
        while tasks.count < targetTaskCount, let request = oldestUnclaimed() {
            lastTaskID += 1
            let task = RoutingTask(id: lastTaskID, request: request)
            request.claimedBy = task.id
            tasks[task.id] = task
            if !sleepIfBackingOff(task) { attempt(task) }
        }
    }

    /// Ends tasks beyond the number the queue and replica set allow, newest first.
    func trimTasks() {
        guard tasks.count > targetTaskCount else { return }
        for task in tasks.values.sorted(by: { $0.id > $1.id }) where tasks.count > targetTaskCount {
            perform(task.machine.handle(.capLowered), for: task)
        }
    }

    /// Carries out what the task's state machine asked for.
    func perform(_ action: RoutingTaskStateMachine.Action, for task: RoutingTask) {
        switch action {
        case .none:
            break
        case .attempt:
            attempt(task)
        case .choose(let probesStartedAt):
            choose(for: task, probesStartedAt: probesStartedAt)
        case .wake(let deadline):
            task.timer?.cancel()
            task.timer = scheduler.schedule(at: deadline) { [weak self, task] in
                task.timer = nil
                self?.perform(task.machine.handle(.woke), for: task)
            }
        case .end:
            endTask(task)
        }
    }

    /// Attempts, one after the other, until the task has to wait for probes or a backoff, or ends.
    func attempt(_ task: RoutingTask) {
        while !task.machine.isEnded {
            guard tasks.count <= targetTaskCount, routableCount > 0 else {
                perform(task.machine.handle(.capLowered), for: task)
                return
            }
            guard task.request.isPending, task.request.claimedBy == task.id else {
                guard let next = oldestUnclaimed() else {
                    perform(task.machine.handle(.capLowered), for: task)
                    return
                }
                task.request = next
                next.claimedBy = task.id
                if sleepIfBackingOff(task) { return }
                continue
            }
            let request = task.request
            if let model = routingModel(of: request) {
                task.tier = multiplexTier(for: request, model: model, into: &task.candidates)
                if task.candidates.isEmpty {
                    task.pair.removeAll(keepingCapacity: true)
                } else {
                    pickPair(from: task.candidates, into: &task.pair)
                }
            } else {
                let (tier, candidates) = nextTier(for: request)
                task.tier = CandidateTier(tier)
                pickPair(from: candidates, into: &task.pair)
            }
            task.considered = task.pair
            request.routing.attempts += 1
            traceAttemptStarted(task)
            if let chosen = chooseFromCache(task.pair) {
                for candidate in task.pair where candidate !== chosen && needsBackgroundProbe(candidate) {
                    probe(candidate, waiter: nil, attemptIndex: 0)
                }
                traceChoice(chosen, for: task)
                guard assign(chosen, for: task) else { return }
                _ = task.machine.handle(.assigned)
                continue
            }
            let toProbe = task.pair.filter(needsProbe)
            if !toProbe.isEmpty {
                _ = task.machine.handle(.probesSent(toProbe.map(\.id), at: now))
                let token = task.machine.probingToken
                for candidate in toProbe {
                    probe(candidate, waiter: (task, token), attemptIndex: request.routing.failedAttempts)
                    traceProbeSent(to: candidate, for: task)
                }
                return
            }
            traceChoice(nil, for: task)
            guard task.tier.isFreeLocalTry else {
                attemptFailed(task)
                return
            }
            advanceTier(of: request)
        }
    }

    /// The tier of the request's next attempt: its own node, then its own zone, until each has
    /// failed once (empty tiers skipped), then all replicas.
    func nextTier(for request: RequestRecord) -> (LocalityTier, [ReplicaRecord]) {
        if options.locality.preferLocal {
            while request.routing.nextTier < .all {
                let candidates = request.routing.nextTier == .node ? nodeTier : zoneTier
                if !candidates.isEmpty { return (request.routing.nextTier, candidates) }
                advanceTier(of: request)
            }
        }
        return (.all, allTier)
    }

    /// A local tier that found nothing is not tried again for this request (an attempt that found a
    /// replica but handed it to an older request used up nothing).
    func advanceTier(of request: RequestRecord) {
        switch request.routing.nextTier {
        case .node: request.routing.nextTier = .zone
        case .zone, .all: request.routing.nextTier = .all
        }
    }

    /// Every probe of the task's attempt has answered, timed out or left.
    func choose(for task: RoutingTask, probesStartedAt: EngineTime) {
        if let chosen = chooseAfterProbes(task.pair, probesStartedAt: probesStartedAt) {
            traceChoice(chosen, for: task)
            guard assign(chosen, for: task) else { return }
            perform(task.machine.handle(.assigned), for: task)
            return
        }
        traceChoice(nil, for: task)
        guard !task.tier.isFreeLocalTry, task.request.isPending, task.request.claimedBy == task.id else {
            // A local tier that found nothing costs no backoff; an attempt for a request that has
            // left the queue meanwhile counts for none.
            if task.tier.isFreeLocalTry, task.request.isPending, task.request.claimedBy == task.id {
                advanceTier(of: task.request)
            }
            attempt(task)
            return
        }
        attemptFailed(task)
    }

    /// One routing decision on the cache path: the tiers in order, a pair from each, and the
    /// lowest trusted length below its maximum. Assigns nothing; exists to measure the decision alone.
    @_spi(Benchmarks)
    public func decideFromCache() -> ReplicaID? {
        // The same reuse of a pair buffer as a routing task's, so the figure is the decision's alone.
        for tier in [nodeTier, zoneTier, allTier] where !tier.isEmpty {
            pickPair(from: tier, into: &benchmarkPair)
            if let chosen = chooseFromCache(benchmarkPair) { return chosen.id }
        }
        return nil
    }

    /// Two distinct replicas drawn uniformly from `tier` (one when it has one).
    func pickPair(from tier: [ReplicaRecord], into pair: inout [ReplicaRecord]) {
        pair.removeAll(keepingCapacity: true)
        let count = tier.count
        let first = random.below(count)
        pair.append(tier[first])
        guard count > 1 else { return }
        var second = random.below(count - 1)
        if second >= first { second += 1 }
        pair.append(tier[second])
    }

    /// Hands `replica` to the oldest request waiting for the model it was chosen for, else to the
    /// oldest waiting request. Returns false when none was waiting (the task ended).
    func assign(_ replica: ReplicaRecord, for task: RoutingTask) -> Bool {
        guard let index = recipientIndex(for: task) else {
            perform(task.machine.handle(.capLowered), for: task)
            return false
        }
        let request = pendingQueue[index]
        if index == 0 { pendingQueue.removeFirst() } else { pendingQueue.remove(at: index) }
        let waited = now - request.admittedAt
        fulfillmentWindow.record(waited, at: now)
        _ = fulfillmentAll.record(UInt64(max(waited.nanosecondsClamped / 1000, 0)))
        recorder?.fulfilled(waited: waited, attempts: request.routing.failedAttempts + 1, at: now)
        let attempts = request.routing.failedAttempts + 1
        if let counted = request.countedAttempts {
            attemptCounts[counted, default: 0] -= 1
            if attemptCounts[counted] == 0 { attemptCounts[counted] = nil }
        }
        attemptCounts[attempts, default: 0] += 1
        request.countedAttempts = attempts
        let claimant = request.claimedBy
        request.claimedBy = 0
        if request !== task.request {
            // The search found a replica: the next one for the request it searched for starts afresh.
            task.request.routing.failedAttempts = 0
        }
        dispatch(request, to: replica, routedFor: task.request)
        if claimant != 0, claimant != task.id, let other = tasks[claimant] {
            requestLeft(other)
        }
        return true
    }

    /// Tells the task whose request left the queue; it searches for another or ends.
    func requestLeft(_ task: RoutingTask) {
        let othersWaiting = tasks.count <= targetTaskCount && oldestUnclaimed() != nil
        perform(task.machine.handle(.requestLeft(othersWaiting: othersWaiting)), for: task)
    }

    /// An attempt over all replicas found nothing: the request's failed attempts grow and the task
    /// sleeps the backoff wait.
    func attemptFailed(_ task: RoutingTask) {
        let request = task.request
        noteFailedMultiplexAttempt(task)
        request.routing.failedAttempts += 1
        let failed = request.routing.failedAttempts
        retries.failedAttempts += 1
        if failed == 1 { request.routing.inBackoffSince = now }
        request.routing.failedAt = now
        var attributed: [ReplicaRecord] = []
        for candidate in task.considered where !attributed.contains(where: { $0 === candidate }) {
            candidate.retriesAttributed += 1
            attributed.append(candidate)
        }
        if failed % options.warnEveryFailedAttempts == 0 {
            retries.warnings += 1
            let spent = SettingText.format(((now - request.admittedAt).secondsValue * 1000).rounded() / 1000)
            record(.warning, "\(request.id) has no replica after \(failed) attempts (\(spent) s)")
        }
        sleep(task, afterFailedAttempt: failed, failedAt: now)
    }

    /// A task that claims a request still in its backoff (after a refusal, or a failed attempt of a
    /// task that has ended) sleeps the rest of that wait. Returns true when it sleeps.
    func sleepIfBackingOff(_ task: RoutingTask) -> Bool {
        let routing = task.request.routing
        guard routing.failedAttempts > 0,
              routing.failedAt + backoff.wait(afterFailedAttempt: routing.failedAttempts) > now else { return false }
        sleep(task, afterFailedAttempt: routing.failedAttempts, failedAt: routing.failedAt)
        return true
    }

    private func sleep(_ task: RoutingTask, afterFailedAttempt failed: Int, failedAt: EngineTime) {
        let wait = backoff.wait(afterFailedAttempt: failed)
        countSleep(afterFailedAttempt: failed, wait: wait, by: 1)
        traceWait(wait, for: task)
        perform(task.machine.handle(.attemptFailed(failedAttempts: failed, wait: wait, at: failedAt, now: now)), for: task)
    }

    /// Counts (or, with `by: -1`, uncounts) a backoff sleep, so a re-timed sleep is reported with
    /// the wait it sleeps now.
    func countSleep(afterFailedAttempt failed: Int, wait: Duration, by delta: Int) {
        guard wait > .zero else { return }
        retries.backoffSleeps += delta
        let nanos = wait.nanosecondsClamped
        let count = (sleptWaits[failed]?[nanos] ?? 0) + delta
        sleptWaits[failed, default: [:]][nanos] = count > 0 ? count : nil
    }

    func endTask(_ task: RoutingTask) {
        if task.machine.probingToken != 0 { traceProbesAbandoned(by: task) }
        if !task.machine.isEnded { _ = task.machine.handle(.capLowered) }
        task.timer?.cancel()
        task.timer = nil
        if task.request.claimedBy == task.id { task.request.claimedBy = 0 }
        tasks[task.id] = nil
    }
}
