import Logging

/// A router fed by a simulated fleet and a synthetic load; answers the dashboard's commands,
/// including load changes and fault injection.
public final class SimulationHost: RouterHost {
    public let router: Router
    public let load: LoadGenerator
    public private(set) var replicas: [ReplicaID: SimulatedReplica] = [:]
    private let scheduler: any EngineScheduler
    private var seeds: SeededRandom
    private var faultTimers: [ReplicaID: any Cancellable] = [:]
    private var template: SimulatedReplicaSpec?
    private var lastAddedNumber = 0
    private var loadStarted = false

    public init(
        fleet: FleetSpec,
        settings: RouterSettings,
        options: Router.Options = Router.Options(),
        scheduler: any EngineScheduler,
        seed: UInt64,
        logger: Logger = Logger(label: "routertop.router")
    ) {
        var seeds = SeededRandom(seed: seed)
        let router = Router(
            settings: settings, options: options, scheduler: scheduler,
            random: SeededRandom(seed: seeds.next()), logger: logger
        )
        self.router = router
        self.scheduler = scheduler
        self.load = LoadGenerator(
            requestsPerSecond: fleet.load.requestsPerSecond, arrival: fleet.load.arrival,
            scheduler: scheduler, random: SeededRandom(seed: seeds.next())
        ) { [weak router] in
            router?.submit { _ in }
        }
        self.seeds = seeds
        self.template = fleet.replicas.first
        for spec in fleet.replicas {
            _ = add(spec)
        }
    }

    /// Starts the synthetic load; no request arrives at or after `end`, when given.
    public func start(until end: EngineTime? = nil) {
        loadStarted = true
        load.start(until: end)
    }

    /// Ends a finished run: no more arrivals, and every simulated request still in progress is
    /// dropped, so the router, its fleet and their timers can be freed.
    public func stop() {
        load.stop()
        for replica in replicas.values { replica.abandonAll() }
        for timer in faultTimers.values { timer.cancel() }
        faultTimers.removeAll()
    }

    public func snapshot() -> RouterSnapshot {
        router.snapshot(
            mode: .simulated,
            simulation: SimulationStatus(requestsPerSecond: load.requestsPerSecond, arrival: load.arrival)
        )
    }

    public func recentTraces(limit: Int) -> RequestTraceLog {
        router.recentTraces(limit: limit)
    }

    public func perform(_ command: RouterCommand, by origin: CommandOrigin) -> CommandResult {
        switch command {
        case .applySettings, .undoSettings:
            return router.performSettingsCommand(command, by: origin)
        case .setLoad(let rate):
            return setLoad(rate, by: origin.description)
        case .addReplica(let address):
            guard address == nil else { return .refused("the simulated fleet adds simulated replicas, not addresses") }
            return addLikeTemplate(by: origin.description)
        case .removeReplica(let id):
            return replicaCommand { () throws(RouterError) in try router.removeReplica(id) }
        case .drainReplica(let id):
            return replicaCommand { () throws(RouterError) in try router.drainReplica(id) }
        case .undrainReplica(let id):
            return replicaCommand { () throws(RouterError) in try router.undrainReplica(id) }
        case .stopRouting:
            return .refused("the simulated fleet stops with its dashboard or its signal")
        case .injectFault(let id, let fault):
            return inject(fault, into: id, for: nil, by: origin.description)
        case .recover(let id):
            return recover(id, by: origin.description)
        }
    }

    /// Adds a simulated replica to the fleet and the router.
    public func add(_ spec: SimulatedReplicaSpec) -> CommandResult {
        guard replicas[spec.info.id] == nil else { return .refused("replica \(spec.info.id) already exists") }
        let replica = SimulatedReplica(
            id: spec.info.id, capacity: spec.info.maxOngoingRequests, serviceTime: spec.serviceTime,
            probeRTT: spec.probeRTT, scheduler: scheduler, random: SeededRandom(seed: seeds.next())
        )
        do {
            try router.addReplica(spec.info, connection: replica)
        } catch {
            return .refused(error.description)
        }
        replicas[spec.info.id] = replica
        return .done("added \(spec.info.id)")
    }

    /// Changes the offered load.
    public func setLoad(_ rate: Double, by who: String) -> CommandResult {
        if let problem = LoadRate.problem(rate) { return .refused(problem) }
        let old = load.requestsPerSecond
        load.setRate(rate)
        if !loadStarted { start() }
        router.record(.info, "load \(SettingText.format(old)) → \(SettingText.format(rate)) req/s by \(who)")
        return .done("load \(SettingText.format(rate)) req/s")
    }

    /// Breaks a replica on purpose, for `duration` or until recovered.
    public func inject(_ fault: SimulatedFault, into id: ReplicaID, for duration: Duration?, by who: String) -> CommandResult {
        guard let replica = replicas[id], router.replica(id) != nil else { return .refused("there is no replica \(id)") }
        guard !replica.faults.dead else { return .refused("replica \(id) is dead") }
        let words: String
        switch fault {
        case .unavailable:
            replica.makeUnavailable()
            words = "unavailable"
        case .kill:
            replica.kill()
            words = "killed"
        case .slowProbe(let delay):
            replica.slowProbes(by: delay)
            words = "slow probes (+\(Int(delay.millisecondsValue.rounded())) ms)"
        case .saturate:
            replica.saturate()
            words = "saturated"
        }
        router.setFault(replica.faults.summary, for: id)
        let span = duration.map { " for \(SettingText.format($0.secondsValue)) s" } ?? ""
        router.record(.fault, "\(id) \(words)\(span) by \(who)")
        faultTimers[id]?.cancel()
        faultTimers[id] = nil
        if let duration, fault != .kill {
            faultTimers[id] = scheduler.schedule(after: duration) { [weak self] in
                self?.faultTimers[id] = nil
                _ = self?.recover(id, by: "schedule")
            }
        }
        return .done("\(id) \(words)")
    }

    /// Clears a replica's faults (a killed replica stays dead).
    public func recover(_ id: ReplicaID, by who: String) -> CommandResult {
        guard let replica = replicas[id] else { return .refused("there is no replica \(id)") }
        guard !replica.faults.dead else { return .refused("replica \(id) is dead; it cannot recover") }
        guard replica.faults.summary != nil else { return .refused("replica \(id) has no fault to recover from") }
        replica.recover()
        router.setFault(nil, for: id)
        router.record(.fault, "\(id) recovered by \(who)")
        return .done("\(id) recovered")
    }

    private func addLikeTemplate(by who: String) -> CommandResult {
        guard var spec = template else { return .refused("the fleet has no replica to copy") }
        repeat {
            lastAddedNumber += 1
            spec.info.id = ReplicaID("sim-\(lastAddedNumber)")
        } while replicas[spec.info.id] != nil
        let result = add(spec)
        if case .done = result { router.record(.replica, "\(spec.info.id) added by \(who)") }
        return result
    }

    private func replicaCommand(_ body: () throws(RouterError) -> Void) -> CommandResult {
        do {
            try body()
            return .done("done")
        } catch {
            return .refused(error.description)
        }
    }
}
