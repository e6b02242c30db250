import RouterEngine

/// A replica that exists only on the engine's timeline: it serves requests after a sampled service
/// time, answers probes after a round trip, and can be broken on purpose.
public final class SimulatedReplica: ReplicaConnection {
    public let id: ReplicaID
    public var serviceTime: ServiceTimeDistribution
    public var probeRTT: Duration
    /// The most requests it works on at once; it refuses more, as a Ray Serve replica does.
    public var capacity: Int
    public private(set) var faults = Faults()
    /// The models it holds, when it serves multiplexed models; nil serves any model at once.
    public private(set) var modelLoader: ModelLoader?
    /// Told of each request it starts, and whether its model was loaded already.
    var onModelUse: ((RequestID, Bool) -> Void)?
    private let scheduler: any EngineScheduler
    private var random: SeededRandom
    private var running: [RequestID: Running] = [:]
    /// Where its answers tell its model set, as `routertop replica`'s answer header does.
    private var modelEvidence: ((ModelEvidence) -> Void)?
    /// Grows each time the set of models it holds changes.
    private var modelVersion: UInt64 = 0

    /// The faults injected into a simulated replica.
    public struct Faults: Equatable, Sendable {
        public var unavailable = false
        public var dead = false
        public var slowProbe: Duration?
        public var saturated = false

        /// The faults in words, or nil when there are none.
        public var summary: String? {
            var parts: [String] = []
            if dead { parts.append("killed") }
            if unavailable { parts.append("unavailable") }
            if let slowProbe { parts.append("slow probe \(Int(slowProbe.millisecondsValue.rounded())) ms") }
            if saturated { parts.append("saturated") }
            return parts.isEmpty ? nil : parts.joined(separator: ", ")
        }
    }

    private struct Running {
        var timer: any Cancellable
        var finished: (SendOutcome) -> Void
    }

    public init(
        id: ReplicaID, capacity: Int, serviceTime: ServiceTimeDistribution, probeRTT: Duration,
        scheduler: any EngineScheduler, random: SeededRandom
    ) {
        self.id = id
        self.capacity = capacity
        self.serviceTime = serviceTime
        self.probeRTT = probeRTT
        self.scheduler = scheduler
        self.random = random
    }

    /// Makes it hold at most `maxModels` models, each taking `load` to load on first use.
    public func serveModels(max maxModels: Int, load: Duration) {
        modelLoader = ModelLoader(maxModels: maxModels, loadTime: load)
    }

    /// Its model cache (loads and evictions), when it serves multiplexed models.
    public var modelCache: ModelCache? { modelLoader?.cache }

    /// Requests it is working on now.
    public var ongoing: Int { running.count }

    public func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
        let delay = probeRTT + (faults.slowProbe ?? .zero)
        return scheduler.schedule(after: delay) { [self] in
            if faults.dead {
                answer(.dead)
            } else if faults.unavailable {
                answer(.unavailable)
            } else {
                answer(.queueLength(
                    faults.saturated ? max(capacity, running.count) : running.count, maxOngoingRequests: capacity,
                    models: modelLoader?.models
                ))
            }
        }
    }

    public func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
        let id = request.id
        if faults.dead {
            return scheduler.schedule(after: .zero) { finished(.replicaDied) }
        }
        // As a Ray actor that cannot be reached: the call fails before the replica does anything.
        if faults.unavailable {
            return scheduler.schedule(after: .zero) { finished(.actorUnavailable) }
        }
        if faults.saturated || running.count >= capacity {
            let length = max(capacity, running.count)
            return scheduler.schedule(after: .zero) { [self] in
                tellModels()
                finished(.rejected(queueLength: length))
            }
        }
        let service = serviceTime.sample(&random) + modelDelay(for: request)
        let timer = scheduler.schedule(after: service) { [self] in
            guard let done = running.removeValue(forKey: id) else { return }
            tellModels()
            done.finished(.completed)
        }
        running[id] = Running(timer: timer, finished: finished)
        return RunningRequest(replica: self, id: id)
    }

    public func reportModelEvidence(to sink: @escaping (ModelEvidence) -> Void) {
        modelEvidence = sink
    }

    /// Every answer tells the models it holds, with their version.
    private func tellModels() {
        guard let loader = modelLoader else { return }
        modelEvidence?(.report(version: modelVersion, models: loader.models))
    }

    /// The wait for the request's model (none when it serves no models), noted as a hit or a miss.
    private func modelDelay(for request: DispatchedRequest) -> Duration {
        guard let model = request.model, var loader = modelLoader else { return .zero }
        let (wait, hit) = loader.use(model, now: .nanoseconds(scheduler.now.nanoseconds))
        if !hit { modelVersion += 1 }
        modelLoader = loader
        onModelUse?(request.id, hit)
        return wait
    }

    /// Makes its probes fail (`.unavailable`) and the requests sent to it fail before answering
    /// (`.actorUnavailable`), until recovered.
    public func makeUnavailable() { faults.unavailable = true }

    /// Makes its probes answer only after `delay` more.
    public func slowProbes(by delay: Duration) { faults.slowProbe = delay }

    /// Makes it report itself full and refuse new work.
    public func saturate() { faults.saturated = true }

    /// Kills it: every request on it fails with `.replicaDied`, and its probes say it is dead.
    public func kill() {
        faults.dead = true
        let victims = running.sorted { $0.key < $1.key }
        running.removeAll()
        for (_, victim) in victims {
            victim.timer.cancel()
            scheduler.schedule(after: .zero) { victim.finished(.replicaDied) }
        }
    }

    /// Clears every fault but death.
    public func recover() {
        let dead = faults.dead
        faults = Faults()
        faults.dead = dead
    }

    /// Drops every request in progress without answering it, at the end of a run: each holds the
    /// router's completion, which holds this replica's record, which holds this replica.
    public func abandonAll() {
        let all = running
        running.removeAll()
        for (_, request) in all { request.timer.cancel() }
    }

    fileprivate func abandon(_ id: RequestID) {
        running.removeValue(forKey: id)?.timer.cancel()
    }
}

/// A simulated request in progress; cancelling it frees the replica's slot.
private final class RunningRequest: Cancellable {
    private weak var replica: SimulatedReplica?
    private let id: RequestID

    init(replica: SimulatedReplica, id: RequestID) {
        self.replica = replica
        self.id = id
    }

    func cancel() { replica?.abandon(id) }
}
