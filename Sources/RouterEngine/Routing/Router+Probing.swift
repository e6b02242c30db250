extension Router {
    func isFresh(_ entry: QueueLengthEntry) -> Bool {
        now - entry.learnedAt < .clampedSeconds(settings.cacheTimeout)
    }

    /// The queue length the router may trust for `replica` now, if any.
    func trustedLength(of replica: ReplicaRecord) -> Int? {
        if replica.countsLocally { return localLength(of: replica) }
        guard replica.state == .healthy, let entry = replica.cache, isFresh(entry) else { return nil }
        return entry.length
    }

    /// The router's own count for a replica without a probe endpoint; after it refused work, full
    /// for one probe deadline, since nothing else would tell the router when it has room again.
    func localLength(of replica: ReplicaRecord) -> Int {
        guard let until = replica.refusedUntil, now < until else { return replica.inFlight }
        return max(replica.inFlight, replica.info.maxOngoingRequests)
    }

    /// Among candidates with a trusted length below their maximum, the one with the lowest.
    func chooseFromCache(_ candidates: [ReplicaRecord]) -> ReplicaRecord? {
        lowest(of: candidates, length: trustedLength(of:))
    }

    /// After an attempt's probes: the lowest accepted length, using what the probes wrote into the
    /// cache (and what other tasks have sent since), even when the cache TTL is zero.
    func chooseAfterProbes(_ pair: [ReplicaRecord], probesStartedAt: EngineTime) -> ReplicaRecord? {
        lowest(of: pair) { candidate in
            guard candidate.isRoutable else { return nil }
            if candidate.countsLocally { return localLength(of: candidate) }
            guard let entry = candidate.cache, entry.learnedAt >= probesStartedAt || isFresh(entry) else {
                return nil
            }
            return entry.length
        }
    }

    /// The candidate with the lowest known length below its maximum; the first of equals.
    private func lowest(of candidates: [ReplicaRecord], length: (ReplicaRecord) -> Int?) -> ReplicaRecord? {
        var best: ReplicaRecord?
        var bestLength = Int.max
        for candidate in candidates {
            guard let length = length(candidate),
                  length < candidate.info.maxOngoingRequests, length < bestLength else { continue }
            best = candidate
            bestLength = length
        }
        return best
    }

    /// A candidate is probed when it has no fresh entry or a full one.
    func needsProbe(_ replica: ReplicaRecord) -> Bool {
        guard !replica.countsLocally, replica.isRoutable else { return false }
        guard let length = trustedLength(of: replica) else { return true }
        return length >= replica.info.maxOngoingRequests
    }

    func needsBackgroundProbe(_ replica: ReplicaRecord) -> Bool {
        !replica.countsLocally && replica.isRoutable && replica.probe == nil && trustedLength(of: replica) == nil
    }

    /// Probes `replica`, or joins the probe already on its way (never two at once). A `background`
    /// probe (a first or recovery one) counts against `options.backgroundProbeLimit`.
    func probe(_ replica: ReplicaRecord, waiter: (task: RoutingTask, token: Int)?, attemptIndex: Int, background: Bool = false) {
        if let inFlight = replica.probe {
            if let waiter { inFlight.waiters.append(waiter) }
            return
        }
        let deadline = ProbeDeadline.duration(attempt: attemptIndex, settings: settings)
        let probe = ProbeInFlight(issuedAt: now, deadline: deadline)
        if let waiter { probe.waiters.append(waiter) }
        // The pacer counted it (`probeStarted`) before it was sent.
        probe.isBackground = background
        replica.probe = probe
        probe.timer = scheduler.schedule(after: deadline) { [handle, replica, probe] in
            handle.object?.probeTimedOut(replica, probe)
        }
        // Not the record: the connection keeps the callback, and the record its connection.
        probe.handle = replica.connection.probeQueueLength { [handle, record = replica.handle, probe] answer in
            guard let replica = record.object else { return }
            handle.object?.probeAnswered(replica, probe, answer)
        }
    }

    func probeAnswered(_ replica: ReplicaRecord, _ probe: ProbeInFlight, _ answer: ProbeAnswer) {
        // Only the current probe has not ended: a timed-out or released one was told as ended then.
        let isCurrent = replica.probe === probe
        if isCurrent {
            recordProbeEnded(probe, on: replica, ProbeCode.of(answer), at: now)
            probe.timer?.cancel()
            replica.probe = nil
            replica.probeRTT = now - probe.issuedAt
            replica.lastProbeTimedOut = false
        }
        if replicaSet.holds(replica), replica.state != .dead {
            switch answer {
            case .queueLength(let length, let reportedMax, let models, let notKept):
                if let reportedMax { adopt(reportedMax, for: replica) }
                if let models { adoptModelReport(models, notKept: notKept, for: replica) }
                if replica.cache.map({ probe.issuedAt >= $0.issuedAt }) ?? true {
                    replica.cache = QueueLengthEntry(length: max(length, 0), learnedAt: now, issuedAt: probe.issuedAt)
                }
                if isCurrent, length >= replica.info.maxOngoingRequests { replica.fullAnswers += 1 }
                if replica.state == .unavailable { setState(replica, .healthy, because: "answers probes again") }
                if replica.state == .probing { setState(replica, .healthy, because: "answered its first probe") }
            case .unavailable:
                if replica.state != .draining { setState(replica, .unavailable, because: "probe failed") }
                replica.cache = nil
            case .dead:
                setState(replica, .dead, because: "probe says it is dead")
            case .unsupported:
                if !replica.countsLocally {
                    replica.countsLocally = true
                    replica.cache = nil
                    record(.replica, "\(replica.id) has no queue-length endpoint; counting its requests locally")
                }
                if replica.state == .probing { setState(replica, .healthy, because: "answers, counted locally") }
            case .unexpected(let firstBytes):
                // Not a sign of trouble: it serves, but its probe endpoint says something else.
                if !replica.countsLocally {
                    replica.countsLocally = true
                    replica.cache = nil
                    if replica.state == .unavailable || replica.state == .probing {
                        setState(replica, .healthy, because: "answers, counted locally")
                    }
                }
                if !replica.warnedUnexpectedProbe {
                    replica.warnedUnexpectedProbe = true
                    record(.warning, "\(replica.id) answered the queue-length probe with something else; counting its requests locally. It said: \(firstBytes)")
                }
            }
        }
        guard isCurrent else { return }
        backgroundProbeEnded(probe)
        let waiters = probe.waiters
        probe.waiters = []
        for (task, token) in waiters where token == task.machine.probingToken {
            traceProbeAnswer(answer, of: replica, for: task, roundTrip: now - probe.issuedAt)
            perform(task.machine.probeAnswered(replica.id, token: token), for: task)
        }
    }

    func probeTimedOut(_ replica: ReplicaRecord, _ probe: ProbeInFlight) {
        guard replica.probe === probe else { return }
        replica.probe = nil
        replica.probeTimeouts += 1
        replica.lastProbeTimedOut = true
        probe.handle?.cancel()
        recordProbeEnded(probe, on: replica, ProbeCode.timeout, at: now)
        backgroundProbeEnded(probe)
        // A replica never heard from is asked again until it answers, so it is not left a
        // candidate of unknown state for ever (a refused connection seen late, for one).
        if replica.state == .probing { scheduleRecoveryProbe(replica) }
        let id = replica.id, deadline = EventFormat.seconds(probe.deadline)
        recordThrottled("probe-timeouts:\(id)", .warning, detail: "") { count, _ in
            "\(id) slow: \(count) probe\(count == 1 ? "" : "s") got no answer within \(deadline) (\(replica.probeTimeouts) in all)"
        }
        let waiters = probe.waiters
        probe.waiters = []
        for (task, token) in waiters where token == task.machine.probingToken {
            traceProbe(of: replica, for: task, outcome: "timeout", length: nil, roundTrip: nil)
            perform(task.machine.probeTimedOut(replica.id, token: token), for: task)
        }
    }

    /// The replica's own `max_ongoing_requests` wins over the configured one; a difference is
    /// logged once per value the replica reports.
    private func adopt(_ reportedMax: Int, for replica: ReplicaRecord) {
        guard reportedMax >= 1, reportedMax != replica.info.maxOngoingRequests else { return }
        replica.info.maxOngoingRequests = reportedMax
        recorder?.replicaMax(reportedMax, of: replica.id)
        guard reportedMax != replica.configuredMax else { return }
        record(.warning, "\(replica.id) reports max_ongoing_requests \(reportedMax), configured \(replica.configuredMax); using \(reportedMax)")
    }

    /// An unavailable replica, or one whose first probe got no answer, is probed again with backoff
    /// (0.5 s doubling to 10 s, then every 10 s) until it answers; an unavailable one is no candidate
    /// meanwhile, so these probes are its way back. They go through the bounded queue of background
    /// probes.
    func scheduleRecoveryProbe(_ replica: ReplicaRecord) {
        guard replica.recoveryTimer == nil, !replica.countsLocally else { return }
        let delay = replica.recoveryDelay
        replica.recoveryDelay = min(delay * 2, .seconds(10))
        replica.recoveryTimer = scheduler.schedule(after: delay) { [handle, replica] in
            replica.recoveryTimer = nil
            guard let router = handle.object, replica.state == .unavailable || replica.state == .probing,
                  router.replicaSet.holds(replica) else { return }
            router.requestBackgroundProbe(replica)
            router.scheduleRecoveryProbe(replica)
        }
    }
}
