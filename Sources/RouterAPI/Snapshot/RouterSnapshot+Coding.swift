import Foundation

// The snapshot as the control API's contract writes it (`$defs/snapshot` in api/control-v1.schema.json):
// snake_case keys, ids as strings, durations with their unit in the key, engine time in seconds beside UTC.

extension RouterSnapshot {
    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case router
        case time = "time_s"
        case timeUTC = "time_utc"
        case settings
        case startupSettings = "startup_settings"
        case legacyBackoff = "legacy_backoff"
        case locality, totals
        case routingTasks = "routing_tasks"
        case maxRoutingTasks = "max_routing_tasks"
        case tasksInBackoff = "tasks_in_backoff"
        case tasksProbing = "tasks_probing"
        case rateIn = "rate_in_per_s"
        case rateOut = "rate_out_per_s"
        case rateFailed = "rate_failed_per_s"
        case fulfillment, replicas
        case backoffTimers = "backoff_timers"
        case probeWaits = "probe_waits"
        case attemptsHistogram = "attempts_histogram"
        case retries, events, simulation, proxy, models, trial, observer, view
        case replicaChanges = "replica_changes"
        case replicasGone = "replicas_gone"
        case replicaCount = "replica_count"
    }

    /// Refuses a document of another schema version: a client must not misread one.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .schemaVersion)
        guard version == ControlContract.schemaVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .schemaVersion, in: c,
                debugDescription: "schema_version \(version) is not \(ControlContract.schemaVersion), the version this routertop reads"
            )
        }
        let router = try c.decode(RouterIdentityCoding.self, forKey: .router)
        self.init(
            time: try c.decodeEngineTime(forKey: .time),
            mode: router.mode,
            settings: try c.decode(RouterSettings.self, forKey: .settings),
            startupSettings: try c.decode(RouterSettings.self, forKey: .startupSettings),
            legacyBackoff: try c.decode(Bool.self, forKey: .legacyBackoff),
            locality: try c.decode(Locality.self, forKey: .locality),
            totals: try c.decode(RequestTotals.self, forKey: .totals),
            routingTasks: try c.decode(Int.self, forKey: .routingTasks),
            maxRoutingTasks: try c.decode(Int.self, forKey: .maxRoutingTasks),
            tasksInBackoff: try c.decode(Int.self, forKey: .tasksInBackoff),
            tasksProbing: try c.decode(Int.self, forKey: .tasksProbing),
            rateIn: try c.decode(Double.self, forKey: .rateIn),
            rateOut: try c.decode(Double.self, forKey: .rateOut),
            rateFailed: try c.decode(Double.self, forKey: .rateFailed),
            fulfillment: try c.decode(LatencySummary.self, forKey: .fulfillment),
            replicas: try c.decode([ReplicaSnapshot].self, forKey: .replicas),
            backoffTimers: try c.decode([BackoffTimerSnapshot].self, forKey: .backoffTimers),
            probeWaits: try c.decode([ProbeWaitSnapshot].self, forKey: .probeWaits),
            attemptsHistogram: try c.decode([AttemptBucket].self, forKey: .attemptsHistogram),
            retries: try c.decode(RetryTotals.self, forKey: .retries),
            events: try c.decode([RouterEvent].self, forKey: .events),
            simulation: try c.decodeIfPresent(SimulationStatus.self, forKey: .simulation)
        )
        self.timeUTC = try c.decode(UTCTime.self, forKey: .timeUTC)
        self.router = router.identity
        self.proxy = try c.decodeIfPresent(ProxyFigures.self, forKey: .proxy)
        self.models = try c.decodeIfPresent(ModelFigures.self, forKey: .models)
        self.trial = try c.decodeIfPresent(TrialStatus.self, forKey: .trial)
        self.observer = try c.decodeIfPresent(ObserverStatus.self, forKey: .observer)
        self.view = try c.decodeIfPresent(SnapshotView.self, forKey: .view) ?? .full
        self.replicaChanges = try c.decodeIfPresent([ReplicaSummary].self, forKey: .replicaChanges)
        self.replicasGone = try c.decodeIfPresent([ReplicaID].self, forKey: .replicasGone)
        self.replicaCount = try c.decodeIfPresent(Int.self, forKey: .replicaCount)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ControlContract.schemaVersion, forKey: .schemaVersion)
        try c.encode(RouterIdentityCoding(mode: mode, identity: router), forKey: .router)
        try c.encode(engineTime: time, forKey: .time)
        try c.encode(timeUTC, forKey: .timeUTC)
        try c.encode(settings, forKey: .settings)
        try c.encode(startupSettings, forKey: .startupSettings)
        try c.encode(legacyBackoff, forKey: .legacyBackoff)
        try c.encode(locality, forKey: .locality)
        try c.encode(totals, forKey: .totals)
        try c.encode(routingTasks, forKey: .routingTasks)
        try c.encode(maxRoutingTasks, forKey: .maxRoutingTasks)
        try c.encode(tasksInBackoff, forKey: .tasksInBackoff)
        try c.encode(tasksProbing, forKey: .tasksProbing)
        try c.encode(rateIn, forKey: .rateIn)
        try c.encode(rateOut, forKey: .rateOut)
        try c.encode(rateFailed, forKey: .rateFailed)
        try c.encode(fulfillment, forKey: .fulfillment)
        try c.encode(replicas, forKey: .replicas)
        try c.encode(backoffTimers, forKey: .backoffTimers)
        try c.encode(probeWaits, forKey: .probeWaits)
        try c.encode(attemptsHistogram, forKey: .attemptsHistogram)
        try c.encode(retries, forKey: .retries)
        try c.encode(events, forKey: .events)
        try c.encodeIfPresent(simulation, forKey: .simulation)
        try c.encodeIfPresent(proxy, forKey: .proxy)
        try c.encodeIfPresent(models, forKey: .models)
        try c.encodeIfPresent(trial, forKey: .trial)
        try c.encodeIfPresent(observer, forKey: .observer)
        if view != .full { try c.encode(view, forKey: .view) }
        try c.encodeIfPresent(replicaChanges, forKey: .replicaChanges)
        try c.encodeIfPresent(replicasGone, forKey: .replicasGone)
        try c.encodeIfPresent(replicaCount, forKey: .replicaCount)
    }
}

/// The snapshot's `router` object: the mode and the identity as one language-neutral shape.
private struct RouterIdentityCoding: Codable {
    var mode: RouterMode
    var identity: RouterIdentity

    enum CodingKeys: String, CodingKey {
        case kind, name, pid, listen, application, deployment, arguments
        case handleSource = "handle_source"
        case nodeID = "node_id"
        case actorID = "actor_id"
        case rayVersion = "ray_version"
    }

    init(mode: RouterMode, identity: RouterIdentity) {
        self.mode = mode
        self.identity = identity
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        identity = RouterIdentity(
            name: try c.decode(String.self, forKey: .name), pid: try c.decodeIfPresent(Int32.self, forKey: .pid)
        )
        identity.arguments = try c.decodeIfPresent([String].self, forKey: .arguments)
        switch try c.decode(RouterKind.self, forKey: .kind) {
        case .simulated:
            mode = .simulated
        case .proxy:
            mode = .proxy(listen: try c.decode(String.self, forKey: .listen))
        case .ray:
            let ray = RayIdentity(
                application: try c.decode(String.self, forKey: .application),
                deployment: try c.decode(String.self, forKey: .deployment),
                handleSource: try c.decode(String.self, forKey: .handleSource),
                nodeID: try c.decodeIfPresent(String.self, forKey: .nodeID),
                actorID: try c.decodeIfPresent(String.self, forKey: .actorID),
                rayVersion: try c.decodeIfPresent(String.self, forKey: .rayVersion)
            )
            identity.ray = ray
            mode = .ray(deployment: "\(ray.application)/\(ray.deployment)")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mode.kind, forKey: .kind)
        try c.encode(identity.name, forKey: .name)
        try c.encodeIfPresent(identity.pid, forKey: .pid)
        try c.encodeIfPresent(identity.arguments, forKey: .arguments)
        if case .proxy(let listen) = mode { try c.encode(listen, forKey: .listen) }
        if let ray = identity.ray {
            try c.encode(ray.application, forKey: .application)
            try c.encode(ray.deployment, forKey: .deployment)
            try c.encode(ray.handleSource, forKey: .handleSource)
            try c.encodeIfPresent(ray.nodeID, forKey: .nodeID)
            try c.encodeIfPresent(ray.actorID, forKey: .actorID)
            try c.encodeIfPresent(ray.rayVersion, forKey: .rayVersion)
        }
    }
}

extension RequestTotals {
    enum CodingKeys: String, CodingKey {
        case admitted, completed, failed, pending, running
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        admitted = try c.decode(Int.self, forKey: .admitted)
        completed = try c.decode(Int.self, forKey: .completed)
        failed = try c.decode([FailureReason: Int].self, forKey: .failed)
        pending = try c.decode(Int.self, forKey: .pending)
        running = try c.decode(Int.self, forKey: .running)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(admitted, forKey: .admitted)
        try c.encode(completed, forKey: .completed)
        try c.encode(failed, forKey: .failed)
        try c.encode(pending, forKey: .pending)
        try c.encode(running, forKey: .running)
    }
}

extension LatencySummary {
    enum CodingKeys: String, CodingKey {
        case count
        case p50 = "p50_ms"
        case p90 = "p90_ms"
        case p99 = "p99_ms"
        case max = "max_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            count: try c.decode(Int.self, forKey: .count),
            p50: try c.decodeMillisecondsIfPresent(forKey: .p50),
            p90: try c.decodeMillisecondsIfPresent(forKey: .p90),
            p99: try c.decodeMillisecondsIfPresent(forKey: .p99),
            max: try c.decodeMillisecondsIfPresent(forKey: .max)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        try c.encodeIfPresent(milliseconds: p50, forKey: .p50)
        try c.encodeIfPresent(milliseconds: p90, forKey: .p90)
        try c.encodeIfPresent(milliseconds: p99, forKey: .p99)
        try c.encodeIfPresent(milliseconds: max, forKey: .max)
    }
}

extension ReplicaSnapshot {
    enum CodingKeys: String, CodingKey {
        case id, node, zone, state
        case maxOngoingRequests = "max_ongoing_requests"
        case queueLength = "queue_length"
        case queueSource = "queue_source"
        case cacheAge = "cache_age_ms"
        case inFlight = "in_flight"
        case routed, completed, rejected
        case fullAnswers = "full_answers"
        case errors
        case lastError = "last_error"
        case probeTimeouts = "probe_timeouts"
        case lastProbeTimedOut = "last_probe_timed_out"
        case retriesAttributed = "retries_attributed"
        case probeRTT = "probe_rtt_ms"
        case latencyP50 = "latency_p50_ms"
        case latencyP99 = "latency_p99_ms"
        case rate = "rate_per_s"
        case rateHistory = "rate_history_per_s"
        case fault, models
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ReplicaID.self, forKey: .id),
            node: try c.decode(String.self, forKey: .node),
            zone: try c.decode(String.self, forKey: .zone),
            state: try c.decode(ReplicaState.self, forKey: .state),
            maxOngoingRequests: try c.decode(Int.self, forKey: .maxOngoingRequests),
            queueLength: try c.decode(Int.self, forKey: .queueLength),
            queueSource: try c.decode(QueueLengthSource.self, forKey: .queueSource),
            cacheAge: try c.decodeMillisecondsIfPresent(forKey: .cacheAge),
            inFlight: try c.decode(Int.self, forKey: .inFlight),
            routed: try c.decode(Int.self, forKey: .routed),
            completed: try c.decode(Int.self, forKey: .completed),
            rejected: try c.decode(Int.self, forKey: .rejected),
            fullAnswers: try c.decode(Int.self, forKey: .fullAnswers),
            errors: try c.decode(Int.self, forKey: .errors),
            lastError: try c.decodeIfPresent(String.self, forKey: .lastError),
            probeTimeouts: try c.decode(Int.self, forKey: .probeTimeouts),
            lastProbeTimedOut: try c.decode(Bool.self, forKey: .lastProbeTimedOut),
            retriesAttributed: try c.decode(Int.self, forKey: .retriesAttributed),
            probeRTT: try c.decodeMillisecondsIfPresent(forKey: .probeRTT),
            latencyP50: try c.decodeMillisecondsIfPresent(forKey: .latencyP50),
            latencyP99: try c.decodeMillisecondsIfPresent(forKey: .latencyP99),
            rate: try c.decode(Double.self, forKey: .rate),
            rateHistory: try c.decode([Double].self, forKey: .rateHistory),
            fault: try c.decodeIfPresent(String.self, forKey: .fault)
        )
        models = try c.decodeIfPresent(ReplicaModels.self, forKey: .models)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(node, forKey: .node)
        try c.encode(zone, forKey: .zone)
        try c.encode(state, forKey: .state)
        try c.encode(maxOngoingRequests, forKey: .maxOngoingRequests)
        try c.encode(queueLength, forKey: .queueLength)
        try c.encode(queueSource, forKey: .queueSource)
        try c.encodeIfPresent(milliseconds: cacheAge, forKey: .cacheAge)
        try c.encode(inFlight, forKey: .inFlight)
        try c.encode(routed, forKey: .routed)
        try c.encode(completed, forKey: .completed)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(fullAnswers, forKey: .fullAnswers)
        try c.encode(errors, forKey: .errors)
        try c.encodeIfPresent(lastError, forKey: .lastError)
        try c.encode(probeTimeouts, forKey: .probeTimeouts)
        try c.encode(lastProbeTimedOut, forKey: .lastProbeTimedOut)
        try c.encode(retriesAttributed, forKey: .retriesAttributed)
        try c.encodeIfPresent(milliseconds: probeRTT, forKey: .probeRTT)
        try c.encodeIfPresent(milliseconds: latencyP50, forKey: .latencyP50)
        try c.encodeIfPresent(milliseconds: latencyP99, forKey: .latencyP99)
        try c.encode(rate, forKey: .rate)
        try c.encode(rateHistory, forKey: .rateHistory)
        try c.encodeIfPresent(fault, forKey: .fault)
        try c.encodeIfPresent(models, forKey: .models)
    }
}

extension BackoffTimerSnapshot {
    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case requestID = "request_id"
        case failedAttempts = "failed_attempts"
        case wait = "wait_ms"
        case inBackoffSince = "in_backoff_since_s"
        case wakeAt = "wake_at_s"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            taskID: try c.decode(TaskIDCoding.self, forKey: .taskID).number,
            requestID: try c.decodeIfPresent(RequestID.self, forKey: .requestID),
            failedAttempts: try c.decode(Int.self, forKey: .failedAttempts),
            wait: try c.decodeMilliseconds(forKey: .wait),
            inBackoffSince: try c.decodeEngineTime(forKey: .inBackoffSince),
            wakeAt: try c.decodeEngineTimeIfPresent(forKey: .wakeAt)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(TaskIDCoding(number: taskID), forKey: .taskID)
        try c.encodeIfPresent(requestID, forKey: .requestID)
        try c.encode(failedAttempts, forKey: .failedAttempts)
        try c.encode(milliseconds: wait, forKey: .wait)
        try c.encode(engineTime: inBackoffSince, forKey: .inBackoffSince)
        try c.encodeIfPresent(engineTime: wakeAt, forKey: .wakeAt)
    }
}

extension ProbeWaitSnapshot {
    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case requestID = "request_id"
        case replica
        case probeSentAt = "probe_sent_at_s"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            taskID: try c.decode(TaskIDCoding.self, forKey: .taskID).number,
            requestID: try c.decodeIfPresent(RequestID.self, forKey: .requestID),
            replica: try c.decode(ReplicaID.self, forKey: .replica),
            probeSentAt: try c.decodeEngineTime(forKey: .probeSentAt)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(TaskIDCoding(number: taskID), forKey: .taskID)
        try c.encodeIfPresent(requestID, forKey: .requestID)
        try c.encode(replica, forKey: .replica)
        try c.encode(engineTime: probeSentAt, forKey: .probeSentAt)
    }
}

/// A routing task's id on the wire: `task-3`.
struct TaskIDCoding: Codable {
    var number: Int

    init(number: Int) { self.number = number }

    init(from decoder: any Decoder) throws { number = try PrefixedNumber.decode("task", from: decoder) }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(PrefixedNumber.text("task", number))
    }
}

extension RouterEvent {
    enum CodingKeys: String, CodingKey {
        case sequence, kind, message, change
        case time = "time_s"
        case timeUTC = "time_utc"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            time: try c.decodeEngineTime(forKey: .time),
            timeUTC: try c.decode(UTCTime.self, forKey: .timeUTC),
            kind: try c.decode(Kind.self, forKey: .kind),
            message: try c.decode(String.self, forKey: .message),
            sequence: try c.decode(UInt64.self, forKey: .sequence),
            change: try c.decodeIfPresent(ChangeRecord.self, forKey: .change)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(engineTime: time, forKey: .time)
        try c.encode(timeUTC, forKey: .timeUTC)
        try c.encode(kind, forKey: .kind)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(change, forKey: .change)
    }
}
