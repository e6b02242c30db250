extension Router {
    /// A trace keeps at most this many attempts and sends (the most recent), so a request that waits
    /// for ever costs bounded memory.
    static let traceEntryLimit = 64

    /// Whether the router records decision traces at all.
    var isTracing: Bool { options.traceCapacity > 0 || traceSink != nil }

    /// The traces of the most recent finished requests, oldest first (at most `limit`).
    public func recentTraces(limit: Int = .max) -> RequestTraceLog {
        statistics.traces.recent(limit: limit)
    }

    func traceMilliseconds(_ time: EngineTime) -> Double {
        (Double(time.nanoseconds) / 1000).rounded() / 1000
    }

    func traceMilliseconds(_ duration: Duration) -> Double {
        (Double(duration.nanosecondsClamped) / 1000).rounded() / 1000
    }

    /// Keeps a finished request's trace: hands it to the sink and the bounded log.
    ///
    /// Consuming, down to the log's storage: a trace holds a dozen references, and each copy on the
    /// way would retain and release every one of them, for every request.
    func keep(_ trace: consuming RequestTrace) {
        traceSink?(trace)
        statistics.keep(consume trace)
    }

    // The trace is changed in place through `request.trace?.…` calls; reading it as a whole
    // (`request.trace != nil`) would copy it, retaining and releasing each of its references.

    func traceAttemptStarted(_ task: RoutingTask, at now: EngineTime) {
        let request = task.request
        guard isTracing else { return }
        let candidates = task.pair.map { replica in
            var candidate = TraceCandidate(replica: replica.id.rawValue, maxOngoingRequests: replica.info.maxOngoingRequests)
            if replica.countsLocally {
                candidate.localLength = localLength(of: replica)
            } else if let entry = replica.cache {
                candidate.cacheLength = entry.length
                candidate.cacheAgeMs = traceMilliseconds(now - entry.learnedAt)
            }
            return candidate
        }
        var attempt = TraceAttempt(
            number: request.routing.attempts, tier: task.tier.traceName, startedMs: traceMilliseconds(now),
            task: task.id, candidates: candidates
        )
        attempt.queueAhead = queue.pendingAhead(of: request)
        attempt.taskCap = targetTaskCount
        request.trace?.append(attempt, limit: Self.traceEntryLimit)
        if request.routing.attempts == 1 { request.trace?.firstAttemptStarted(atMs: attempt.startedMs) }
    }

    /// Notes, just after admission, why no routing task took the request at once.
    func traceFirstWait(_ request: RequestRecord, queueAhead: Int) {
        guard isTracing, request.isPending, request.claimedBy == 0 else { return }
        let claimedAhead = taskPool.running.filter { task in
            task.request.claimedBy == task.id && task.request.isPending && task.request.id < request.id
        }.count
        let waitingAhead = max(queueAhead - claimedAhead, 0)
        let reason: TraceWait.Reason = routableCount == 0 ? .noRoutableReplica : waitingAhead > 0 ? .queueAhead : .taskCap
        request.trace?.firstWait = TraceWait(
            reason: reason, waitingAhead: waitingAhead, tasks: taskPool.count, taskCap: targetTaskCount,
            routableReplicas: routableCount
        )
    }

    /// Notes the probe a candidate of the task's attempt now waits for.
    func traceProbeSent(to replica: ReplicaRecord, for task: RoutingTask) {
        guard let deadline = replica.probe?.deadline else { return }
        updateCandidate(replica, of: task) { $0.probe = TraceProbe(deadlineMs: traceMilliseconds(deadline)) }
    }

    func traceProbeAnswer(_ answer: ProbeAnswer, of replica: ReplicaRecord, for task: RoutingTask, roundTrip: Duration) {
        switch answer {
        case .queueLength(let length, _, _, _):
            traceProbe(of: replica, for: task, outcome: "length", length: length, roundTrip: roundTrip)
        case .unavailable:
            traceProbe(of: replica, for: task, outcome: "unavailable", length: nil, roundTrip: roundTrip)
        case .dead:
            traceProbe(of: replica, for: task, outcome: "dead", length: nil, roundTrip: roundTrip)
        case .unsupported:
            traceProbe(of: replica, for: task, outcome: "unsupported", length: nil, roundTrip: roundTrip)
        case .unexpected:
            traceProbe(of: replica, for: task, outcome: "unexpected", length: nil, roundTrip: roundTrip)
        }
    }

    func traceProbe(of replica: ReplicaRecord, for task: RoutingTask, outcome: String, length: Int?, roundTrip: Duration?) {
        updateCandidate(replica, of: task) { candidate in
            candidate.probe?.outcome = outcome
            candidate.probe?.length = length
            candidate.probe?.roundTripMs = roundTrip.map(traceMilliseconds)
        }
    }

    /// A task that ends while its probes are out will not hear them: its attempt says so.
    func traceProbesAbandoned(by task: RoutingTask) {
        guard let count = task.request.trace?.attempts.count, count > 0,
              task.request.trace?.attempts[count - 1].task == task.id else { return }
        for index in task.request.trace!.attempts[count - 1].candidates.indices
        where task.request.trace!.attempts[count - 1].candidates[index].probe.map({ $0.outcome == nil }) == true {
            task.request.trace!.attempts[count - 1].candidates[index].probe?.outcome = "abandoned"
        }
    }

    func traceChoice(_ chosen: ReplicaRecord?, for task: RoutingTask) {
        guard let count = task.request.trace?.attempts.count, count > 0 else { return }
        task.request.trace?.attempts[count - 1].choice = chosen?.id.rawValue
        if chosen != nil, let index = recipientIndex(for: task), queue.pending[index] !== task.request {
            let served = queue.pending[index]
            task.request.trace?.attempts[count - 1].handedTo = served.id.rawValue
        }
    }

    func traceWait(_ wait: Duration, for task: RoutingTask) {
        guard let count = task.request.trace?.attempts.count, count > 0 else { return }
        task.request.trace?.attempts[count - 1].waitMs = traceMilliseconds(wait)
    }

    func traceSend(_ request: RequestRecord, to replica: ReplicaRecord, routedFor searched: RequestRecord, at now: EngineTime) {
        guard isTracing else { return }
        var send = TraceSend(replica: replica.id.rawValue, atMs: traceMilliseconds(now))
        if searched !== request { send.foundFor = searched.id.rawValue }
        request.trace?.append(send, limit: Self.traceEntryLimit)
    }

    func traceSendEnded(_ request: RequestRecord, outcome: String, requeue: String?, at now: EngineTime) {
        guard let count = request.trace?.sends.count, count > 0 else { return }
        request.trace?.sends[count - 1].outcome = outcome
        request.trace?.sends[count - 1].endedMs = traceMilliseconds(now)
        request.trace?.sends[count - 1].requeue = requeue
    }

    private func updateCandidate(_ replica: ReplicaRecord, of task: RoutingTask, _ change: (inout TraceCandidate) -> Void) {
        guard let count = task.request.trace?.attempts.count, count > 0,
              let index = task.request.trace?.attempts[count - 1].candidates.firstIndex(where: { $0.replica == replica.id.rawValue })
        else { return }
        change(&task.request.trace!.attempts[count - 1].candidates[index])
    }
}

extension RequestTrace {
    /// Appends an attempt; beyond `limit` the oldest goes, and is counted as omitted.
    mutating func append(_ attempt: TraceAttempt, limit: Int) {
        // Most requests make one attempt and one send: an array of one, made as one, skips the
        // growth an append to an empty array goes through.
        guard !attempts.isEmpty else {
            attempts = [attempt]
            return
        }
        if attempts.count >= limit {
            attempts.removeFirst()
            attemptsOmitted = (attemptsOmitted ?? 0) + 1
        }
        attempts.append(attempt)
    }

    /// Appends a send; beyond `limit` the oldest goes, and is counted as omitted.
    mutating func append(_ send: TraceSend, limit: Int) {
        guard !sends.isEmpty else {
            sends = [send]
            return
        }
        if sends.count >= limit {
            sends.removeFirst()
            sendsOmitted = (sendsOmitted ?? 0) + 1
        }
        sends.append(send)
    }

    /// The first attempt started: the wait before it is measured. A top-up put off to the end of
    /// another task's attempt starts it in the same instant: that is no wait.
    mutating func firstAttemptStarted(atMs startedMs: Double) {
        if startedMs == admittedMs {
            firstWait = nil
        } else {
            firstWait?.waitedMs = ((startedMs - admittedMs) * 1000).rounded() / 1000
        }
    }

    mutating func finish(outcome: String, replica: String?, atMs: Double) {
        self.outcome = outcome
        self.replica = replica
        self.finishedMs = atMs
    }
}
