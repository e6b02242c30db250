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
    // Each change is one such call: every access to the record's trace is checked for exclusive
    // access at run time (about 70 instructions), so a change made in three steps cost three.

    func traceAttemptStarted(_ task: RoutingTask, at now: EngineTime) {
        let request = task.request
        guard isTracing else { return }
        var candidates = statistics.spareTraceCandidates()
        candidates.reserveCapacity(task.pair.count)
        for replica in task.pair {
            candidates.append(traceCandidate(replica, at: now))
        }
        var attempt = TraceAttempt(
            number: request.routing.attempts, tier: task.tier.traceName, startedMs: traceMilliseconds(now),
            task: task.id, candidates: candidates
        )
        attempt.queueAhead = queue.pendingAhead(of: request)
        attempt.taskCap = targetTaskCount
        request.trace?.attemptStarted(attempt, first: request.routing.attempts == 1, limit: Self.traceEntryLimit)
    }

    /// What an attempt knew of a candidate when it began: made by a call, so the array it goes
    /// into takes it by move (built in place in the loop, each one was copied in and destroyed).
    private func traceCandidate(_ replica: ReplicaRecord, at now: EngineTime) -> TraceCandidate {
        var candidate = TraceCandidate(replica: replica.id.rawValue, maxOngoingRequests: replica.info.maxOngoingRequests)
        if replica.countsLocally {
            candidate.localLength = localLength(of: replica)
        } else if let entry = replica.cache {
            candidate.cacheLength = entry.length
            candidate.cacheAgeMs = traceMilliseconds(now - entry.learnedAt)
        }
        return candidate
    }

    /// Notes, just after admission, why no routing task took the request at once.
    func traceFirstWait(_ request: RequestRecord, queueAhead: Int) {
        guard isTracing, request.isPending, request.claimedBy == 0 else { return }
        let claimedAhead = taskPool.oldestFirst.count { task in
            task.request.claimedBy == task.id && task.request.isPending && task.request.id < request.id
        }
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
        guard isTracing else { return }
        var handedTo: UInt64?
        if chosen != nil, let index = recipientIndex(for: task), queue.pending[index] !== task.request {
            handedTo = queue.pending[index].id.rawValue
        }
        task.request.trace?.lastAttemptChose(chosen?.id.rawValue, handedTo: handedTo)
    }

    func traceWait(_ wait: Duration, for task: RoutingTask) {
        task.request.trace?.lastAttemptWaits(traceMilliseconds(wait))
    }

    func traceSend(_ request: RequestRecord, to replica: ReplicaRecord, routedFor searched: RequestRecord, at now: EngineTime) {
        guard isTracing else { return }
        var send = TraceSend(replica: replica.id.rawValue, atMs: traceMilliseconds(now))
        if searched !== request { send.foundFor = searched.id.rawValue }
        request.trace?.append(send, limit: Self.traceEntryLimit)
    }

    func traceSendEnded(_ request: RequestRecord, outcome: String, requeue: String?, at now: EngineTime) {
        request.trace?.lastSendEnded(outcome: outcome, requeue: requeue, atMs: traceMilliseconds(now))
    }

    private func updateCandidate(_ replica: ReplicaRecord, of task: RoutingTask, _ change: (inout TraceCandidate) -> Void) {
        guard let count = task.request.trace?.attempts.count, count > 0,
              let index = task.request.trace?.attempts[count - 1].candidates.firstIndex(where: { $0.replica == replica.id.rawValue })
        else { return }
        change(&task.request.trace!.attempts[count - 1].candidates[index])
    }
}

extension RequestTrace {
    /// Appends a send; beyond `limit` the oldest goes, and is counted as omitted.
    mutating func append(_ send: TraceSend, limit: Int) {
        Self.append(send, to: &sends, omitted: &sendsOmitted, limit: limit)
    }

    /// Appends `entry` to `entries`; beyond `limit` the oldest goes, and is counted in `omitted`.
    private static func append<Entry>(_ entry: Entry, to entries: inout [Entry], omitted: inout Int?, limit: Int) {
        // Most requests make one attempt and one send: an array of one, made as one, skips the
        // growth an append to an array without storage goes through. An empty one lent its
        // storage (`TraceSpares`) takes the entry in that.
        guard entries.capacity > 0 else {
            entries = [entry]
            return
        }
        if entries.count >= limit {
            entries.removeFirst()
            omitted = (omitted ?? 0) + 1
        }
        entries.append(entry)
    }

    /// An attempt started. The request's `first` one ends the wait since admission, which is
    /// measured; a top-up put off to the end of another task's attempt starts it in the same
    /// instant: that is no wait.
    mutating func attemptStarted(_ attempt: TraceAttempt, first: Bool, limit: Int) {
        Self.append(attempt, to: &attempts, omitted: &attemptsOmitted, limit: limit)
        guard first else { return }
        if attempt.startedMs == admittedMs {
            firstWait = nil
        } else {
            firstWait?.waitedMs = ((attempt.startedMs - admittedMs) * 1000).rounded() / 1000
        }
    }

    /// The last attempt chose `choice` (nil: none), for the request `handedTo` when that is another.
    mutating func lastAttemptChose(_ choice: String?, handedTo: UInt64?) {
        guard !attempts.isEmpty else { return }
        attempts[attempts.count - 1].chose(choice, handedTo: handedTo)
    }

    /// The last attempt failed and its task sleeps `waitMs` before the next.
    mutating func lastAttemptWaits(_ waitMs: Double) {
        guard !attempts.isEmpty else { return }
        attempts[attempts.count - 1].waitMs = waitMs
    }

    /// The last send ended as `outcome`, and the request went back to be routed again as `requeue` (if it did).
    mutating func lastSendEnded(outcome: String, requeue: String?, atMs endedMs: Double) {
        guard !sends.isEmpty else { return }
        sends[sends.count - 1].ended(outcome: outcome, requeue: requeue, atMs: endedMs)
    }

    mutating func finish(outcome: String, replica: String?, atMs: Double) {
        self.outcome = outcome
        self.replica = replica
        self.finishedMs = atMs
    }
}

// One subscript access a change: each is a uniqueness check of the array.
extension TraceAttempt {
    fileprivate mutating func chose(_ choice: String?, handedTo: UInt64?) {
        self.choice = choice
        if let handedTo { self.handedTo = handedTo }
    }
}

extension TraceSend {
    fileprivate mutating func ended(outcome: String, requeue: String?, atMs endedMs: Double) {
        self.outcome = outcome
        self.endedMs = endedMs
        self.requeue = requeue
    }
}
