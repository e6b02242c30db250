import Histogram

extension Router {
    /// Starts routing tasks until there are `min(pending, min(cap, 2 × replicas))` of them.
    func ensureTasks() {
        while tasks.count < targetTaskCount {
            lastTaskID += 1
            let task = RoutingTask(id: lastTaskID)
            tasks[task.id] = task
            drive(task)
        }
    }

    /// Runs a task's search until it has to wait for probes or a backoff, or has nothing left to do.
    func drive(_ task: RoutingTask) {
        while !task.ended {
            guard totals.pending > 0, tasks.count <= targetTaskCount, !tiers.isEmpty else {
                endTask(task)
                return
            }
            if task.searchRequest == nil {
                task.searchRequest = oldestPending()?.id
                task.searchStartedAt = now
            }
            task.token &+= 1
            task.tierIndex = 0
            task.considered.removeAll(keepingCapacity: true)
            guard walkTiers(task) else { return }
        }
    }

    /// One attempt, from the task's current tier on. Walking the tiers costs no backoff; only an
    /// attempt that found nothing in any tier counts as failed. Returns true when it assigned a
    /// replica, false when the task now waits (for probes or a backoff) or ended.
    func walkTiers(_ task: RoutingTask) -> Bool {
        while task.tierIndex < tiers.count {
            pickPair(from: tiers[task.tierIndex], into: &task.pair)
            task.considered.append(contentsOf: task.pair)
            if let chosen = chooseFromCache(task.pair) {
                for candidate in task.pair where candidate !== chosen && needsBackgroundProbe(candidate) {
                    probe(candidate, waiter: nil, attemptIndex: 0)
                }
                return assign(chosen, for: task)
            }
            let toProbe = task.pair.filter(needsProbe)
            if !toProbe.isEmpty {
                task.awaitingProbes = toProbe.count
                task.probesStartedAt = now
                for candidate in toProbe {
                    probe(candidate, waiter: (task, task.token), attemptIndex: task.failedAttempts)
                }
                // A probe cannot answer re-entrantly, so the task is now waiting.
                return false
            }
            task.tierIndex += 1
        }
        attemptFailed(task)
        return false
    }

    /// Called when every probe of the task's current attempt has answered or timed out.
    func probesResolved(_ task: RoutingTask) {
        if let chosen = chooseAfterProbes(task) {
            if assign(chosen, for: task) { drive(task) }
            return
        }
        task.tierIndex += 1
        if walkTiers(task) { drive(task) }
    }

    /// One routing decision on the cache path: walk the tiers, draw a pair from each, and take the
    /// lowest trusted length below its maximum. Assigns nothing; exists to measure the decision alone.
    @_spi(Benchmarks)
    public func decideFromCache() -> ReplicaID? {
        // The same reuse of a pair buffer as a routing task's, so the figure is the decision's alone.
        for tier in tiers {
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

    /// Hands `replica` to the oldest waiting request. Returns false when no request was waiting.
    func assign(_ replica: ReplicaRecord, for task: RoutingTask) -> Bool {
        guard let request = oldestPending() else {
            endTask(task)
            return false
        }
        pendingQueue.removeFirst()
        let waited = now - request.admittedAt
        fulfillmentWindow.record(waited, at: now)
        _ = fulfillmentAll.record(UInt64(max(waited.nanosecondsClamped / 1000, 0)))
        attemptCounts[task.failedAttempts + 1, default: 0] += 1
        task.failedAttempts = 0
        task.inBackoffSince = nil
        task.searchRequest = nil
        task.lastWait = .zero
        dispatch(request, to: replica)
        return true
    }

    func attemptFailed(_ task: RoutingTask) {
        task.failedAttempts += 1
        retries.failedAttempts += 1
        if task.inBackoffSince == nil { task.inBackoffSince = now }
        var attributed: [ReplicaRecord] = []
        for candidate in task.considered where !attributed.contains(where: { $0 === candidate }) {
            candidate.retriesAttributed += 1
            attributed.append(candidate)
        }
        if task.failedAttempts % options.warnEveryFailedAttempts == 0 {
            retries.warnings += 1
            let request = task.searchRequest.map(String.init(describing:)) ?? "a request"
            let spent = SettingText.format(((now - task.searchStartedAt).secondsValue * 1000).rounded() / 1000)
            record(.warning, "\(request) has no replica after \(task.failedAttempts) attempts (\(spent) s)")
        }
        let wait = backoff.wait(afterFailedAttempt: task.failedAttempts)
        task.lastWait = wait
        if wait > .zero {
            retries.backoffSleeps += 1
            sleptWaits[task.failedAttempts, default: []].insert(wait.nanosecondsClamped)
        }
        let wakeAt = now + effectiveSleep(wait, afterFailedAttempt: task.failedAttempts)
        task.sleepStartedAt = now
        task.wakeAt = wakeAt
        task.sleepTimer = scheduler.schedule(at: wakeAt) { [weak self, task] in self?.wake(task) }
    }

    func effectiveSleep(_ wait: Duration, afterFailedAttempt attempt: Int) -> Duration {
        wait == .zero && attempt >= 2 ? Self.spinGuard : wait
    }

    func wake(_ task: RoutingTask) {
        task.sleepTimer = nil
        task.sleepStartedAt = nil
        task.wakeAt = nil
        drive(task)
    }

    func endTask(_ task: RoutingTask) {
        guard !task.ended else { return }
        task.ended = true
        task.sleepTimer?.cancel()
        task.sleepTimer = nil
        tasks[task.id] = nil
    }
}
