extension Router {
    /// Everything the dashboard draws, taken now. Cheap enough to take several times a second.
    public func snapshot(mode: RouterMode, simulation: SimulationStatus? = nil, eventLimit: Int = 200) -> RouterSnapshot {
        let timers = taskPool.oldestFirst
            .filter { $0.request.isPending && $0.request.routing.failedAttempts > 0 }
            .sorted { ($0.request.routing.inBackoffSince, $0.id) < ($1.request.routing.inBackoffSince, $1.id) }
            .map { task in
                let routing = task.request.routing
                let sleep = task.machine.sleep
                return BackoffTimerSnapshot(
                    taskID: task.id,
                    requestID: task.request.id,
                    failedAttempts: routing.failedAttempts,
                    wait: sleep?.wait ?? backoff.wait(afterFailedAttempt: routing.failedAttempts),
                    inBackoffSince: routing.inBackoffSince,
                    wakeAt: sleep?.wakeAt
                )
            }
        var probeWaits: [ProbeWaitSnapshot] = []
        for task in taskPool.oldestFirst {
            guard case .probing(_, let awaiting, let since) = task.machine.state else { continue }
            for id in awaiting {
                let sentAt = replicaSet[id]?.probe?.issuedAt ?? since
                probeWaits.append(ProbeWaitSnapshot(taskID: task.id, requestID: task.request.id, replica: id,
                                                    probeSentAt: sentAt))
            }
        }
        probeWaits.sort { ($0.probeSentAt, $0.taskID) < ($1.probeSentAt, $1.taskID) }
        // Each task is counted in one state: a task retrying after a failure is in backoff (Ray's
        // figure), so the probing ones are first tries, and the two never add up to more than the tasks.
        let probingTasks = Set(probeWaits.map(\.taskID)).subtracting(timers.map(\.taskID)).count
        var snapshot = RouterSnapshot(
            time: now,
            mode: mode,
            settings: settings,
            startupSettings: startupSettings,
            legacyBackoff: options.legacyBackoff,
            locality: options.locality,
            totals: queue.totals,
            routingTasks: taskPool.count,
            maxRoutingTasks: maxTaskCount,
            tasksInBackoff: timers.count,
            tasksProbing: probingTasks,
            rateIn: statistics.rateIn(at: now),
            rateOut: statistics.rateOut(at: now),
            rateFailed: statistics.rateFailed(at: now),
            fulfillment: statistics.fulfillment(at: now),
            replicas: replicaSet.records.map(replicaSnapshot),
            backoffTimers: timers,
            probeWaits: probeWaits,
            attemptsHistogram: attemptsHistogram,
            retries: statistics.retries,
            events: statistics.recentEvents(eventLimit),
            simulation: simulation
        )
        snapshot.timeUTC = scheduler.utc(now)
        snapshot.models = modelFigures()
        snapshot.trial = settingsLifecycle.trialStatus(at: now)
        return snapshot
    }

    /// Requests by the number of routing attempts they needed, fewest first.
    public var attemptsHistogram: [AttemptBucket] { statistics.attemptsHistogram }

    /// Fulfilment latency (admission to assignment) over the router's whole life.
    public var lifetimeFulfillment: LatencySummary { statistics.lifetimeFulfillment }

    /// The distinct backoff waits slept, in the order of the failed attempt they followed.
    public var backoffWaitsSlept: [Duration] { statistics.backoffWaitsSlept }

    /// The waits slept after each failed-attempt number.
    public var backoffWaitsByAttempt: [Int: [Duration]] { statistics.backoffWaitsByAttempt }

    public var retryTotals: RetryTotals { statistics.retries }

    func replicaSnapshot(_ replica: ReplicaRecord) -> ReplicaSnapshot {
        let length: Int
        let source: QueueLengthSource
        if !replica.countsLocally, replica.state == .healthy, let entry = replica.cache, isFresh(entry) {
            length = entry.length
            source = entry.adjusted ? .cache : .probe
        } else {
            length = replica.inFlight
            source = .local
        }
        let latency = replica.latency.summary(at: now, refresh: .seconds(1))
        var snapshot = ReplicaSnapshot(
            id: replica.id,
            node: replica.info.node,
            zone: replica.info.zone,
            state: replica.state,
            maxOngoingRequests: replica.info.maxOngoingRequests,
            queueLength: length,
            queueSource: source,
            cacheAge: replica.cache.map { now - $0.learnedAt },
            inFlight: replica.inFlight,
            routed: replica.routed,
            completed: replica.completed,
            rejected: replica.rejected,
            fullAnswers: replica.fullAnswers,
            errors: replica.errors,
            lastError: replica.lastErrorCause,
            probeTimeouts: replica.probeTimeouts,
            lastProbeTimedOut: replica.lastProbeTimedOut,
            retriesAttributed: replica.retriesAttributed,
            probeRTT: replica.probeRTT,
            latencyP50: latency.p50,
            latencyP99: latency.p99,
            rate: replica.rate.lastSecond(at: now),
            rateHistory: replica.rate.history(at: now),
            fault: replica.fault
        )
        snapshot.models = replicaModels(of: replica)
        return snapshot
    }
}
