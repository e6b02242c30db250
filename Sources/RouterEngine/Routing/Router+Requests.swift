extension Router {
    /// Admits a request. `onFinish` is called exactly once: when a replica completes it, or when it
    /// fails with a reason (possibly before `submit` returns, when the pending queue is full).
    @discardableResult
    public func submit(payload: AnyObject? = nil, onFinish: @escaping (RequestResult) -> Void) -> RequestID {
        lastRequestNumber += 1
        let id = RequestID(lastRequestNumber)
        totals.admitted += 1
        admittedRate.record(at: now)
        guard totals.pending < options.maxPendingRequests else {
            totals.failed[.shed, default: 0] += 1
            finishedRate.record(at: now)
            onFinish(.failed(.shed))
            return id
        }
        let request = RequestRecord(id: id, admittedAt: now, payload: payload, onFinish: onFinish)
        requests[id] = request
        enqueue(request, atFront: false)
        ensureTasks()
        return id
    }

    /// Takes a request out of the router: it leaves the queue, or its send is called off.
    public func cancel(_ id: RequestID, reason: FailureReason = .cancelled) {
        guard let request = requests[id] else { return }
        switch request.phase {
        case .pending:
            totals.pending -= 1
        case .running(let replica, _):
            request.sendHandle?.cancel()
            totals.running -= 1
            releaseSlot(on: replica)
            forgetIfIdle(replica)
        case .finished:
            return
        }
        finish(request, .failed(reason))
    }

    func enqueue(_ request: RequestRecord, atFront: Bool) {
        request.phase = .pending
        totals.pending += 1
        if atFront { pendingQueue.prepend(request) } else { pendingQueue.append(request) }
        if let timeout = options.routingTimeout {
            let deadline = now + timeout
            request.routingDeadline = deadline
            routingDeadlines.append((deadline, request))
            if routingDeadlineTimer == nil { armRoutingDeadlineTimer(at: deadline) }
        }
    }

    /// Deadlines are appended in the order requests start waiting, and every wait is equally long,
    /// so the queue is in deadline order: one timer, for its head, serves every waiting request.
    private func armRoutingDeadlineTimer(at deadline: EngineTime) {
        routingDeadlineTimer = scheduler.schedule(at: deadline) { [weak self] in
            self?.routingDeadlinesPassed()
        }
    }

    private func routingDeadlinesPassed() {
        routingDeadlineTimer = nil
        while let (deadline, request) = routingDeadlines.first, deadline <= now {
            routingDeadlines.removeFirst()
            if request.isPending, request.routingDeadline == deadline { cancel(request.id, reason: .routingTimeout) }
        }
        dropSettledRoutingDeadlines()
        if let (deadline, _) = routingDeadlines.first { armRoutingDeadlineTimer(at: deadline) }
    }

    /// Drops deadlines at the head whose requests no longer wait, so that finished requests (and
    /// what they carry) are not kept alive until their deadline.
    func dropSettledRoutingDeadlines() {
        while let (deadline, request) = routingDeadlines.first, request.routingDeadline != deadline {
            routingDeadlines.removeFirst()
        }
    }

    /// The oldest request still waiting, dropping finished ones from the front of the queue.
    func oldestPending() -> RequestRecord? {
        while let first = pendingQueue.first {
            if first.isPending { return first }
            pendingQueue.removeFirst()
        }
        return nil
    }

    func dispatch(_ request: RequestRecord, to replica: ReplicaRecord) {
        request.routingDeadline = nil
        dropSettledRoutingDeadlines()
        request.phase = .running(replica, since: now)
        totals.pending -= 1
        totals.running += 1
        replica.inFlight += 1
        replica.routed += 1
        replica.rate.record(at: now)
        adjustCache(of: replica, by: 1)
        let dispatched = DispatchedRequest(id: request.id, reroutes: request.reroutes, payload: request.payload)
        request.sendHandle = replica.connection.send(dispatched) { [weak self, request, replica] outcome in
            self?.sendFinished(request, on: replica, outcome)
        }
    }

    func sendFinished(_ request: RequestRecord, on replica: ReplicaRecord, _ outcome: SendOutcome) {
        guard case .running(let target, let since) = request.phase, target === replica else { return }
        request.sendHandle = nil
        totals.running -= 1
        releaseSlot(on: replica)
        switch outcome {
        case .completed:
            replica.completed += 1
            replica.latency.record(now - since, at: now)
            finish(request, .completed(replica.id))
        case .rejected(let queueLength):
            replica.rejected += 1
            let length = queueLength ?? replica.info.maxOngoingRequests
            replica.cache = QueueLengthEntry(length: length, learnedAt: now, issuedAt: now)
            if replica.countsLocally { replica.refusedUntil = now + .clampedSeconds(settings.probeDeadline) }
            // A refusal is safe to retry (the replica never started the work) and does not use up a re-route.
            enqueue(request, atFront: true)
            ensureTasks()
        case .failedBeforeResponse:
            reroute(request)
        case .failedMidResponse(let retryable):
            if retryable { reroute(request) } else { finish(request, .failed(.replicaError)) }
        case .replicaDied:
            setState(replica, .dead, because: "died with requests on it")
            reroute(request)
        }
        forgetIfIdle(replica)
    }

    private func reroute(_ request: RequestRecord) {
        guard request.reroutes < options.maxReroutes else {
            finish(request, .failed(.replicaError))
            return
        }
        request.reroutes += 1
        retries.reroutes += 1
        enqueue(request, atFront: true)
        ensureTasks()
    }

    private func releaseSlot(on replica: ReplicaRecord) {
        replica.inFlight -= 1
        adjustCache(of: replica, by: -1)
    }

    /// Sends add one to a fresh entry and completions subtract one (never below zero); no entry is
    /// created. An entry learned at this very moment counts as fresh even with a zero TTL, so tasks
    /// resumed by one probe answer see each other's sends.
    func adjustCache(of replica: ReplicaRecord, by delta: Int) {
        guard var entry = replica.cache, entry.learnedAt == now || isFresh(entry) else { return }
        entry.length = max(entry.length + delta, 0)
        entry.adjusted = true
        replica.cache = entry
    }

    func finish(_ request: RequestRecord, _ result: RequestResult) {
        request.phase = .finished
        request.routingDeadline = nil
        dropSettledRoutingDeadlines()
        requests[request.id] = nil
        switch result {
        case .completed: totals.completed += 1
        case .failed(let reason): totals.failed[reason, default: 0] += 1
        }
        finishedRate.record(at: now)
        request.onFinish(result)
    }
}
