import Histogram

extension Router {
    /// Starts routing tasks until there are `min(pending, min(cap, 2 × replicas))` of them, each
    /// claiming the oldest waiting request that no task routes for yet. Inside a task's attempt the
    /// top-up waits until the attempt is done, so no task starts in the middle of another's.
    func ensureTasks() {
        guard taskPool.mayTopUp() else { return }
        while taskPool.count < targetTaskCount, let request = queue.oldestUnclaimed() {
            let task = taskPool.start(for: request)
            if let sleep = owedSleep(of: task) {
                perform(sleep, for: task)
            } else {
                perform(.attempt, for: task)
            }
        }
    }

    /// Ends tasks beyond the number the replica set allows, newest first.
    func trimTasks() {
        guard taskPool.count > targetTaskCount else { return }
        for task in taskPool.newestFirst where taskPool.count > targetTaskCount {
            perform(task.machine.retired(), for: task)
        }
    }

    /// Carries out what the task's state machine asked for, and what that leads to, until the task
    /// waits (for probes or a backoff) or ends. Tasks asked for meanwhile start once the outermost
    /// call is done (`TaskPool`).
    func perform(_ first: RoutingTaskStateMachine.Action, for task: RoutingTask) {
        taskPool.enterActions()
        defer {
            if taskPool.leaveActions() { ensureTasks() }
        }
        var action = first
        while true {
            switch action {
            case .none:
                return
            case .attempt:
                action = attemptOnce(task)
            case .choose(let probesStartedAt):
                action = choose(for: task, probesStartedAt: probesStartedAt)
            case .claim(let id):
                action = claim(id, for: task)
            case .wake(let deadline):
                task.timer?.cancel()
                task.wakeToken += 1
                let token = task.wakeToken
                task.timer = scheduler.schedule(at: deadline) { [handle, task] in
                    // An event loop may still run a timer cancelled in the turn it fell due.
                    guard task.wakeToken == token else { return }
                    task.timer = nil
                    handle.object?.perform(task.machine.woke(), for: task)
                }
                return
            case .end(let abandoningProbes):
                endTask(task, abandoningProbes: abandoningProbes)
                return
            }
            // A probe answered at once by its replica can let another task serve this task's
            // request and end it; the action worked out before then is void.
            if task.isDropped { return }
        }
    }

    /// One attempt for the task's request: from the cache, or by probing a pair.
    private func attemptOnce(_ task: RoutingTask) -> RoutingTaskStateMachine.Action {
        guard taskPool.count <= targetTaskCount, routableCount > 0 else { return task.machine.retired() }
        let request = task.request
        precondition(request.isPending && request.claimedBy == task.id,
                     "routing task \(task.id) attempts for \(request.id), which it does not route for")
        let now = self.now
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
        request.routing.attempts += 1
        traceAttemptStarted(task, at: now)
        if let chosen = chooseFromCache(task.pair) {
            for candidate in task.pair where candidate !== chosen && needsBackgroundProbe(candidate) {
                probe(candidate, waiter: nil, attemptIndex: 0)
            }
            traceChoice(chosen, for: task)
            return assign(chosen, for: task, at: now)
        }
        let toProbe = task.pair.filter(needsProbe)
        if !toProbe.isEmpty {
            let action = task.machine.probesSent(toProbe.map(\.id), at: now)
            let token = task.machine.probingToken
            for candidate in toProbe {
                probe(candidate, waiter: (task, token), attemptIndex: request.routing.failedAttempts)
                traceProbeSent(to: candidate, for: task)
            }
            return action
        }
        traceChoice(nil, for: task)
        guard task.tier.isFreeLocalTry else { return attemptFailed(task) }
        advanceTier(of: request)
        return task.machine.localTierFoundNothing()
    }

    /// The task routes for `id` now; it first sleeps what is left of that request's backoff.
    private func claim(_ id: RequestID, for task: RoutingTask) -> RoutingTaskStateMachine.Action {
        guard let next = queue[id], next.isPending, next.claimedBy == 0 else {
            preconditionFailure("routing task \(task.id) claims \(id), which is not waiting unclaimed")
        }
        task.request = next
        next.claimedBy = task.id
        return owedSleep(of: task) ?? .attempt
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
    private func choose(for task: RoutingTask, probesStartedAt: EngineTime) -> RoutingTaskStateMachine.Action {
        if let chosen = chooseAfterProbes(task.pair, probesStartedAt: probesStartedAt) {
            traceChoice(chosen, for: task)
            return assign(chosen, for: task, at: now)
        }
        traceChoice(nil, for: task)
        guard task.tier.isFreeLocalTry else { return attemptFailed(task) }
        advanceTier(of: task.request)
        return task.machine.localTierFoundNothing()
    }

    /// Two distinct replicas drawn uniformly from `tier` (one when it has one).
    func pickPair(from tier: [ReplicaRecord], into pair: inout [ReplicaRecord]) {
        // A task's first attempt draws into an emptied pair, and emptying an empty one still took
        // `removeAll`'s generic path (about 80 instructions).
        if !pair.isEmpty { pair.removeAll(keepingCapacity: true) }
        let count = tier.count
        let first = random.below(count)
        pair.append(tier[first])
        guard count > 1 else { return }
        var second = random.below(count - 1)
        if second >= first { second += 1 }
        pair.append(tier[second])
    }

    /// Hands `replica` to the oldest request waiting for the model it was chosen for, else to the
    /// oldest waiting request (the task's own request waits, so there is one). The task routing
    /// for the request served, when it is another, ends.
    private func assign(_ replica: ReplicaRecord, for task: RoutingTask, at now: EngineTime) -> RoutingTaskStateMachine.Action {
        guard let index = recipientIndex(for: task) else {
            preconditionFailure("routing task \(task.id) found a replica while no request waits, its own included")
        }
        let request = queue.take(at: index)
        let waited = now - request.admittedAt
        let attempts = request.routing.failedAttempts + 1
        statistics.requestFulfilled(waited: waited, attempts: attempts, previouslyCounted: request.countedAttempts, at: now)
        recorder?.fulfilled(waited: waited, attempts: attempts, at: now)
        request.countedAttempts = attempts
        let claimant = request.claimedBy
        request.claimedBy = 0
        if request !== task.request {
            // The search found a replica: the next one for the request it searched for starts afresh.
            task.request.routing.failedAttempts = 0
        }
        dispatch(request, to: replica, routedFor: task.request, at: now)
        guard request !== task.request else {
            let next = taskPool.count <= targetTaskCount ? queue.oldestUnclaimed() : nil
            return task.machine.ownRequestServed(next: next?.id)
        }
        let action = task.machine.foundReplicaForOlderRequest()
        if claimant != 0, let other = taskPool[claimant] {
            perform(other.machine.requestServedElsewhere(), for: other)
        }
        return action
    }

    /// An attempt over all replicas found nothing: the request's failed attempts grow and the task
    /// sleeps the backoff wait.
    private func attemptFailed(_ task: RoutingTask) -> RoutingTaskStateMachine.Action {
        let request = task.request
        noteFailedMultiplexAttempt(task)
        request.routing.failedAttempts += 1
        let failed = request.routing.failedAttempts
        statistics.attemptFailed()
        if failed == 1 { request.routing.inBackoffSince = now }
        request.routing.failedAt = now
        var attributed: [ReplicaRecord] = []
        for candidate in task.pair where !attributed.contains(where: { $0 === candidate }) {
            candidate.retriesAttributed += 1
            attributed.append(candidate)
        }
        if failed % options.warnEveryFailedAttempts == 0 {
            statistics.warned()
            let spent = SettingText.format(((now - request.admittedAt).secondsValue * 1000).rounded() / 1000)
            record(.warning, "\(request.id) has no replica after \(failed) attempts (\(spent) s)")
        }
        return sleep(task, afterFailedAttempt: failed, failedAt: now)
    }

    /// A task that claims a request still in its backoff (after a refusal, or a failed attempt of a
    /// task that has ended) sleeps the rest of that wait: the backoff counts per request search.
    private func owedSleep(of task: RoutingTask) -> RoutingTaskStateMachine.Action? {
        let routing = task.request.routing
        guard routing.failedAttempts > 0,
              routing.failedAt + backoff.wait(afterFailedAttempt: routing.failedAttempts) > now else { return nil }
        return sleep(task, afterFailedAttempt: routing.failedAttempts, failedAt: routing.failedAt)
    }

    private func sleep(_ task: RoutingTask, afterFailedAttempt failed: Int, failedAt: EngineTime) -> RoutingTaskStateMachine.Action {
        let wait = backoff.wait(afterFailedAttempt: failed)
        statistics.countSleep(afterFailedAttempt: failed, wait: wait, by: 1)
        traceWait(wait, for: task)
        return task.machine.attemptFailed(failedAttempts: failed, wait: wait, at: failedAt, now: now)
    }

    /// Drops an ended task: the probes it waited for serve no one. Requests left without a task get
    /// one (`perform` tops up once the current attempt is done).
    private func endTask(_ task: RoutingTask, abandoningProbes: Bool) {
        if abandoningProbes { traceProbesAbandoned(by: task) }
        taskPool.end(task)
    }
}
