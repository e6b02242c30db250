extension Router {
    /// Admits a request. `onFinish` is called exactly once: when a replica completes it, or when it
    /// fails with a reason (possibly before `submit` returns, when the pending queue is full or the
    /// router is shut down), unless the router shuts down while it waits or runs (see `shutdown()`).
    /// A request with a `model` is routed to replicas holding it (multiplexing); one without routes by locality.
    /// `externalID` is the id it came with from outside (a client's `X-Request-Id`), kept in its trace.
    @discardableResult
    public func submit(
        model: String? = nil, externalID: String? = nil, payload: AnyObject? = nil,
        onFinish: @escaping (RequestResult) -> Void
    ) -> RequestID {
        if let refused = refuseAfterShutdown(onFinish) { return refused }
        // Admission is one moment in every record it writes.
        let now = self.now
        recorder?.arrival(model: model, at: now, retries: statistics.retries)
        let id = queue.admit()
        statistics.requestAdmitted(at: now)
        guard queue.totals.pending < options.maxPendingRequests else {
            queue.totals.failed[.shed, default: 0] += 1
            statistics.requestFailed(at: now)
            noteShed()
            if isTracing {
                var trace = RequestTrace(request: id.rawValue, admittedMs: traceMilliseconds(now), admittedUTC: scheduler.utc(now))
                trace.externalID = externalID
                trace.model = model
                trace.queueAhead = queue.totals.pending
                trace.taskCap = targetTaskCount
                trace.finish(outcome: FailureReason.shed.rawValue, replica: nil, atMs: traceMilliseconds(now))
                keep(trace)
            }
            onFinish(.failed(.shed))
            return id
        }
        let request = RequestRecord(id: id, admittedAt: now, model: model, payload: payload, onFinish: onFinish)
        if model != nil, options.multiplexRouting {
            // Uniform between T and 2T, as Ray draws it, from the router's seeded randomness.
            let base = settings.modelMatchingTimeout
            request.matchingTimeout = .clampedSeconds(base + base * random.unit())
        }
        if isTracing {
            request.trace = statistics.newTrace(request: id.rawValue, admittedMs: traceMilliseconds(now), admittedUTC: scheduler.utc(now))
            request.trace?.externalID = externalID
            request.trace?.model = model
        }
        // Every waiting request was admitted before this one; the cap counts it as waiting too.
        let queueAhead = queue.totals.pending
        request.trace?.queueAhead = queueAhead
        request.trace?.taskCap = min(queueAhead + 1, maxTaskCount)
        queue.hold(request)
        enqueue(request, at: now)
        ensureTasks()
        traceFirstWait(request, queueAhead: queueAhead)
        return id
    }

    /// Takes a request out of the router: it leaves the queue, or its send is called off.
    public func cancel(_ id: RequestID, reason: FailureReason = .cancelled) {
        guard let request = queue[id] else { return }
        switch request.phase {
        case .pending:
            queue.totals.pending -= 1
        case .running(let replica, let since):
            request.sendHandle?.cancel()
            let now = self.now
            recordSendEnded(on: replica, sentAt: since, SendCode.cancelled, at: now)
            queue.totals.running -= 1
            traceSendEnded(request, outcome: reason.rawValue, requeue: nil, at: now)
            releaseSlot(on: replica)
            forgetIfIdle(replica)
        case .finished:
            return
        }
        finish(request, .failed(reason))
    }

    /// Puts a request in the pending queue at its place by admission, ahead of every request
    /// admitted after it. One whose routing deadline (counted from admission) has passed fails.
    func enqueue(_ request: RequestRecord, at now: EngineTime) {
        guard queue.enqueue(request, at: now) else {
            cancel(request.id, reason: .routingTimeout)
            return
        }
        armRoutingDeadline(for: request)
    }

    /// One timer, for the oldest waiting request, serves every routing deadline (see `RequestQueue`).
    private func armRoutingDeadline(for request: RequestRecord) {
        queue.armRoutingDeadline(for: request) { deadline in
            scheduler.schedule(at: deadline) { [handle] in
                handle.object?.routingDeadlinesPassed()
            }
        }
    }

    private func routingDeadlinesPassed() {
        queue.routingDeadlineFired()
        while let expired = queue.oldestExpired(at: now) {
            cancel(expired.id, reason: .routingTimeout)
        }
        if let oldest = queue.oldestPending() { armRoutingDeadline(for: oldest) }
    }

    func dispatch(_ request: RequestRecord, to replica: ReplicaRecord, routedFor searched: RequestRecord, at now: EngineTime) {
        request.phase = .running(replica, since: now)
        queue.totals.pending -= 1
        queue.totals.running += 1
        replica.inFlight += 1
        replica.routed += 1
        replica.rate.record(at: now)
        cacheSent(to: replica)
        if let model = request.model { countModelSend(model, to: replica) }
        traceSend(request, to: replica, routedFor: searched, at: now)
        let dispatched = DispatchedRequest(
            id: request.id, reroutes: request.reroutes, model: request.model, payload: request.payload
        )
        request.sends += 1
        let completion = SendCompletion(router: self, request: request)
        request.sendHandle = replica.connection.send(dispatched) { completion.finished($0) }
    }

    func sendFinished(_ request: RequestRecord, on replica: ReplicaRecord, _ outcome: SendOutcome) {
        guard case .running(let target, let since) = request.phase, target === replica else { return }
        let now = self.now
        recordSendEnded(on: replica, sentAt: since, SendCode.of(outcome), at: now)
        // Between phases: each way below finishes it or puts it back, and it no longer runs here.
        request.phase = .finished
        request.sendHandle = nil
        queue.totals.running -= 1
        releaseSlot(on: replica)
        switch outcome {
        case .completed:
            replica.completed += 1
            replica.latency.record(now - since, at: now)
            traceSendEnded(request, outcome: "completed", requeue: nil, at: now)
            finish(request, .completed(replica.id))
        case .rejected(let queueLength):
            replica.rejected += 1
            traceSendEnded(request, outcome: "refused", requeue: "refused", at: now)
            refused(request, by: replica, queueLength: queueLength)
        case .failedBeforeResponse:
            traceSendEnded(request, outcome: "failed_before_response", requeue: "reroute", at: now)
            noteReplicaError(replica, cause: "failed before answering")
            reroute(request)
        case .failedMidResponse(let retryable, let cause):
            traceSendEnded(request, outcome: "failed_mid_response", requeue: retryable ? "reroute" : nil, at: now)
            noteReplicaError(replica, cause: cause)
            if replica.isUp, !replica.countsLocally {
                setState(replica, .unavailable, because: cause)
            }
            if retryable { reroute(request) } else { finish(request, .failed(.replicaError)) }
        case .replicaDied:
            traceSendEnded(request, outcome: "replica_died", requeue: "reroute", at: now)
            noteReplicaError(replica, cause: "died")
            setState(replica, .dead, because: "died with requests on it")
            reroute(request)
        case .connectionRefused:
            traceSendEnded(request, outcome: "connection_refused", requeue: "refused", at: now)
            noteReplicaError(replica, cause: "connection refused")
            if replica.isUp, !replica.countsLocally {
                setState(replica, .unavailable, because: "connection refused")
            }
            refused(request, by: replica, queueLength: nil, full: false)
        case .actorUnavailable:
            // Ray's router marks the replica unavailable and routes the request again at once.
            traceSendEnded(request, outcome: "actor_unavailable", requeue: "reroute", at: now)
            statistics.sendFoundUnavailable()
            noteReplicaError(replica, cause: "unavailable")
            if replica.countsLocally {
                // No probe will say it is back, and its own count says it has room: without holding it
                // off as a refused connection is, the request would go straight back to it in zero time.
                refused(request, by: replica, queueLength: nil, full: false)
            } else {
                if replica.isUp {
                    setState(replica, .unavailable, because: "a request sent to it found it unavailable")
                }
                enqueue(request, at: now)
                ensureTasks()
            }
        }
        forgetIfIdle(replica)
    }

    /// A refusal is a failed attempt: the replica is taken as full (stamped now), and the request
    /// goes back to its place and waits the backoff before its next attempt. It is safe to retry
    /// (the replica never started the work) and does not use up a re-route.
    private func refused(_ request: RequestRecord, by replica: ReplicaRecord, queueLength: Int?, full: Bool = true) {
        if full {
            let length = max(queueLength ?? 0, replica.info.maxOngoingRequests)
            replica.cache = QueueLengthEntry(length: length, learnedAt: now, issuedAt: now)
        }
        if replica.countsLocally { replica.refusedUntil = now + .clampedSeconds(settings.probeDeadline) }
        request.routing.failedAttempts += 1
        let failed = request.routing.failedAttempts
        statistics.attemptFailed()
        if failed == 1 { request.routing.inBackoffSince = now }
        request.routing.failedAt = now
        enqueue(request, at: now)
        ensureTasks()
    }

    /// Rerouted requests keep their place by admission, and their routing deadline.
    func reroute(_ request: RequestRecord) {
        guard request.reroutes < options.maxReroutes else {
            finish(request, .failed(.replicaError))
            return
        }
        request.reroutes += 1
        statistics.rerouted()
        enqueue(request, at: now)
        ensureTasks()
    }

    private func releaseSlot(on replica: ReplicaRecord) {
        replica.inFlight -= 1
        cacheCompleted(on: replica)
    }

    /// A send makes the entry (its fresh value, or 0 when there is none) + 1, stamped now, so a
    /// replica under steady traffic is routed from the cache without waiting for probes.
    func cacheSent(to replica: ReplicaRecord) {
        guard !replica.countsLocally else { return }
        let base = replica.cache.flatMap { isFresh($0) || $0.learnedAt == now ? $0.length : nil } ?? 0
        replica.cache = QueueLengthEntry(length: base + 1, learnedAt: now, issuedAt: now, adjusted: true)
    }

    /// A completion decrements a fresh entry (never below zero) and stamps it now; an expired entry
    /// stays expired. An entry learned at this very moment counts as fresh even with a zero TTL.
    func cacheCompleted(on replica: ReplicaRecord) {
        guard var entry = replica.cache, entry.learnedAt == now || isFresh(entry) else { return }
        entry.length = max(entry.length - 1, 0)
        entry.learnedAt = now
        entry.adjusted = true
        replica.cache = entry
    }

    func finish(_ request: RequestRecord, _ result: RequestResult) {
        let wasClaimedBy = request.claimedBy
        request.phase = .finished
        request.claimedBy = 0
        queue.release(request)
        // The task routing for it stops at once, wherever it is (asleep or waiting on probes).
        if wasClaimedBy != 0, let task = taskPool[wasClaimedBy] {
            perform(task.machine.requestCancelled(), for: task)
        }
        let now = self.now
        switch result {
        case .completed:
            queue.totals.completed += 1
            statistics.requestCompleted(at: now)
        case .failed(let reason):
            queue.totals.failed[reason, default: 0] += 1
            statistics.requestFailed(at: now)
            recorder?.failed(reason, at: now)
            if reason == .routingTimeout { noteRoutingTimeout() }
        }
        // Taken, not copied: the record lets go of it here anyway.
        if var trace = request.trace.take() {
            switch result {
            case .completed(let replica):
                trace.finish(outcome: RequestTrace.completedOutcome, replica: replica.rawValue, atMs: traceMilliseconds(now))
            case .failed(let reason):
                trace.finish(outcome: reason.rawValue, replica: nil, atMs: traceMilliseconds(now))
            }
            keep(consume trace)
        }
        request.onFinish(result)
    }
}

/// What a send's callback reaches when the send ends: the request strongly, the router through its
/// handle (the replica's connection may keep the callback past a cancel, or give no handle to
/// cancel, and the router holds the replica's record, which holds its connection), and which of
/// the request's sends it is. The replica is the one the request runs on: its phase holds it
/// while the send is its latest. An outcome of an earlier send (the request was sent again since,
/// to this replica or another) changes nothing.
///
/// One object instead of a capture list, so that the closure that captures only this object has
/// it as its context (one allocation a send). It holds no reference to the replica: a weak one
/// cost about 500 instructions a send (taken, loaded and dropped, on an object with a side table).
private final class SendCompletion {
    private let router: CallbackHandle<Router>
    private let request: RequestRecord
    private let send: Int

    init(router: Router, request: RequestRecord) {
        self.router = router.handle
        self.request = request
        self.send = request.sends
    }

    func finished(_ outcome: SendOutcome) {
        guard request.sends == send, case .running(let replica, _) = request.phase else { return }
        router.object?.sendFinished(request, on: replica, outcome)
    }
}
