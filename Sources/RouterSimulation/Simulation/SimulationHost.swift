import Logging
import RouterEngine

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
    /// What happened to requests for models; nil when the load asks for none.
    public let modelLog: ModelServiceLog?

    public init(
        fleet: FleetSpec,
        settings: RouterSettings,
        options: Router.Options = Router.Options(),
        scheduler: any EngineScheduler,
        seed: UInt64,
        logger: Logger = Logger(label: "routertop.router"),
        recording: TrafficRecorder.Limits? = nil
    ) {
        var seeds = SeededRandom(seed: seed)
        let router = Router(
            settings: settings, options: options, scheduler: scheduler,
            random: SeededRandom(seed: seeds.next()), logger: logger
        )
        if let recording { router.startRecording(limits: recording) }
        self.router = router
        self.scheduler = scheduler
        let modelLog = fleet.models.map { _ in ModelServiceLog() }
        self.modelLog = modelLog
        // Drawn only when the load asks for models, so a fleet without models keeps the seeds it always had.
        var modelRandom = SeededRandom(seed: 0)
        let loadRandom = SeededRandom(seed: seeds.next())
        if fleet.models != nil { modelRandom = SeededRandom(seed: seeds.next()) }
        self.load = LoadGenerator(
            requestsPerSecond: fleet.load.requestsPerSecond, arrival: fleet.load.arrival,
            scheduler: scheduler, random: loadRandom
        ) { [weak router, models = fleet.models] in
            guard let router else { return }
            guard let models, let modelLog else {
                router.submit { _ in }
                return
            }
            // The id the router hands out next: logged before submit, which may route at once.
            let id = router.nextRequestID
            modelLog.admit(id, at: router.currentTime)
            router.submit(model: models.sample(&modelRandom)) { [weak router] result in
                guard let router else { return }
                if case .completed = result {
                    modelLog.finished(id, completed: true, at: router.currentTime)
                } else {
                    modelLog.finished(id, completed: false, at: router.currentTime)
                }
            }
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

    /// Stops the run and shuts the router down: requests still in the router are let go unanswered
    /// (no simulated client waits on them).
    public func shutdown() {
        stop()
        router.shutdown()
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

    public func recording() -> Recording? { router.recording() }

    public func perform(_ command: RouterCommand, by origin: CommandOrigin) -> CommandResult {
        if router.isShutDown { return .refused(Router.shutDownRefusal) }
        switch command {
        case .settings(let command):
            return router.perform(settings: command, by: origin)
        case .setLoad(let rate):
            return setLoad(rate, by: origin)
        case .addReplica(let address):
            guard address == nil else { return .refused("the simulated fleet adds simulated replicas, not addresses") }
            return addLikeTemplate(by: origin)
        case .removeReplica(let id):
            return router.journaledReplicaCommand(id, "remove", by: origin) { () throws(RouterError) in try router.removeReplica(id) }
        case .drainReplica(let id):
            return router.journaledReplicaCommand(id, "drain", by: origin) { () throws(RouterError) in try router.drainReplica(id) }
        case .undrainReplica(let id):
            return router.journaledReplicaCommand(id, "undrain", by: origin) { () throws(RouterError) in try router.undrainReplica(id) }
        case .stopRouting:
            return .refused("the simulated fleet stops with its dashboard or its signal")
        case .injectFault(let id, let fault):
            return inject(fault, into: id, for: nil, by: origin)
        case .recover(let id):
            return recover(id, by: origin)
        }
    }

    /// Adds a simulated replica to the fleet and the router.
    public func add(_ spec: SimulatedReplicaSpec) -> CommandResult {
        guard replicas[spec.info.id] == nil else { return .refused("replica \(spec.info.id) already exists") }
        let replica = SimulatedReplica(
            id: spec.info.id, capacity: spec.info.maxOngoingRequests, serviceTime: spec.serviceTime,
            probeRTT: spec.probeRTT, scheduler: scheduler, random: SeededRandom(seed: seeds.next())
        )
        if let maxModels = spec.maxModels { replica.serveModels(max: maxModels, load: spec.modelLoad) }
        if let modelLog {
            let scheduler = self.scheduler
            replica.onModelUse = { id, hit in modelLog.served(id, hit: hit, at: scheduler.now) }
        }
        do {
            try router.addReplica(spec.info, connection: replica)
        } catch {
            return .refused(error.description)
        }
        replicas[spec.info.id] = replica
        return .done("added \(spec.info.id)")
    }

    /// Changes the offered load.
    public func setLoad(_ rate: Double, by origin: CommandOrigin) -> CommandResult {
        // Setting the load starts it, which would feed a router that is gone.
        if router.isShutDown { return .refused(Router.shutDownRefusal) }
        if let problem = LoadRate.problem(rate) { return .refused(problem) }
        let old = load.requestsPerSecond
        let change = ChangeRecord(subject: .load, verb: "set", old: .number(old), new: .number(rate))
        if let refusal = router.journalAndRecord(.info, change, by: origin, words: change.summary) {
            return .refused(refusal)
        }
        load.setRate(rate)
        if !loadStarted { start() }
        return .done("load \(SettingText.format(rate)) req/s")
    }

    /// Breaks a replica on purpose, for `duration` or until recovered.
    public func inject(
        _ fault: SimulatedFault, into id: ReplicaID, for duration: Duration?, by origin: CommandOrigin
    ) -> CommandResult {
        guard let replica = replicas[id], router.replica(id) != nil else { return .refused("there is no replica \(id)") }
        guard !replica.faults.dead else { return .refused("replica \(id) is dead") }
        let words: String
        switch fault {
        case .unavailable: words = "unavailable"
        case .kill: words = "killed"
        case .slowProbe(let delay): words = "slow probes (+\(Int(delay.millisecondsValue.rounded())) ms)"
        case .saturate: words = "saturated"
        }
        let span = duration.map { " for \(SettingText.format($0.secondsValue)) s" } ?? ""
        let change = ChangeRecord(subject: .fault, target: id.rawValue, verb: "inject",
                                  old: replica.faults.summary.map { .text($0) } ?? .absent, new: .text(words + span))
        if let refusal = router.journalAndRecord(.fault, change, by: origin, words: "\(id) \(words)\(span)") {
            return .refused(refusal)
        }
        switch fault {
        case .unavailable: replica.makeUnavailable()
        case .kill: replica.kill()
        case .slowProbe(let delay): replica.slowProbes(by: delay)
        case .saturate: replica.saturate()
        }
        router.setFault(replica.faults.summary, for: id)
        faultTimers[id]?.cancel()
        faultTimers[id] = nil
        if let duration, fault != .kill {
            faultTimers[id] = scheduler.schedule(after: duration) { [weak self] in
                self?.faultTimers[id] = nil
                _ = self?.recover(id, by: CommandOrigin(user: "schedule", via: .scenario))
            }
        }
        return .done("\(id) \(words)")
    }

    /// Clears a replica's faults (a killed replica stays dead).
    public func recover(_ id: ReplicaID, by origin: CommandOrigin) -> CommandResult {
        guard let replica = replicas[id] else { return .refused("there is no replica \(id)") }
        guard !replica.faults.dead else { return .refused("replica \(id) is dead; it cannot recover") }
        guard let summary = replica.faults.summary else { return .refused("replica \(id) has no fault to recover from") }
        let change = ChangeRecord(subject: .fault, target: id.rawValue, verb: "recover", old: .text(summary), new: .absent)
        if let refusal = router.journalAndRecord(.fault, change, by: origin, words: "\(id) recovered") {
            return .refused(refusal)
        }
        replica.recover()
        router.setFault(nil, for: id)
        return .done("\(id) recovered")
    }

    private func addLikeTemplate(by origin: CommandOrigin) -> CommandResult {
        guard var spec = template else { return .refused("the fleet has no replica to copy") }
        repeat {
            lastAddedNumber += 1
            spec.info.id = ReplicaID("sim-\(lastAddedNumber)")
        } while replicas[spec.info.id] != nil
        let change = ChangeRecord(subject: .replica, target: spec.info.id.rawValue, verb: "add", old: .absent,
                                  new: .text("\(spec.info.node)/\(spec.info.zone), max \(spec.info.maxOngoingRequests)"))
        if let refusal = router.journalAndRecord(.replica, change, by: origin, words: "\(spec.info.id) added") {
            return .refused(refusal)
        }
        return add(spec)
    }

}
