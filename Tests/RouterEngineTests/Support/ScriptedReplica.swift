import Logging
@testable import RouterEngine

/// A replica whose answers a test decides: probes answer from `probeAnswer` after `probeRTT` (or
/// never, when `hangs`), and sends stay open until the test finishes them.
final class ScriptedReplica: ReplicaConnection {
    let scheduler: VirtualScheduler
    var probeRTT: Duration
    var probeAnswer: () -> ProbeAnswer
    var hangs = false
    /// When true, it refuses every request at once, as a full replica does.
    var refuses = false
    /// When each probe was sent.
    private(set) var probeTimes: [EngineTime] = []
    /// Requests sent to it and not yet finished, oldest first.
    private(set) var open: [(request: DispatchedRequest, finish: (SendOutcome) -> Void)] = []
    /// Every request ever sent to it, in order, and when.
    private(set) var received: [RequestID] = []
    private(set) var receivedTimes: [EngineTime] = []
    private(set) var probesInFlight = 0
    private(set) var maxProbesInFlight = 0
    /// Where the router takes what its answers say about its models.
    private var modelEvidence: ((ModelEvidence) -> Void)?

    init(scheduler: VirtualScheduler, probeRTT: Duration = .zero, answer: @escaping () -> ProbeAnswer = { .queueLength(0) }) {
        self.scheduler = scheduler
        self.probeRTT = probeRTT
        self.probeAnswer = answer
    }

    func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
        probeTimes.append(scheduler.now)
        probesInFlight += 1
        maxProbesInFlight = max(maxProbesInFlight, probesInFlight)
        guard !hangs else { return Hang(replica: self) }
        let reply = probeAnswer()
        return scheduler.schedule(after: probeRTT) { [self] in
            probesInFlight -= 1
            answer(reply)
        }
    }

    func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
        received.append(request.id)
        receivedTimes.append(scheduler.now)
        if refuses {
            scheduler.schedule(after: .zero) { finished(.rejected(queueLength: nil)) }
            return nil
        }
        open.append((request, finished))
        return nil
    }

    func reportModelEvidence(to sink: @escaping (ModelEvidence) -> Void) {
        modelEvidence = sink
    }

    /// Tells the router what an answer of this replica says about its models, now.
    func tell(_ evidence: ModelEvidence) {
        modelEvidence?(evidence)
    }

    /// Finishes the oldest open request with `outcome`, as if the replica answered now.
    func finishOldest(_ outcome: SendOutcome = .completed) {
        let (_, finish) = open.removeFirst()
        scheduler.schedule(after: .zero) { finish(outcome) }
    }

    /// Finishes every open request with `outcome`.
    func finishAll(_ outcome: SendOutcome = .completed) {
        while !open.isEmpty { finishOldest(outcome) }
    }

    private final class Hang: Cancellable {
        weak var replica: ScriptedReplica?
        init(replica: ScriptedReplica) { self.replica = replica }
        func cancel() { replica?.probesInFlight -= 1 }
    }
}

/// A router on virtual time with scripted replicas, for exact tests.
struct RouterHarness {
    let scheduler = VirtualScheduler()
    let router: Router
    var results: Results
    private let lifetime: Lifetime

    final class Results {
        var byID: [RequestID: RequestResult] = [:]
    }

    /// Shuts the router down when the test lets go of the harness (its last copy), as a host does
    /// when it ends: most tests stop with work in flight, whose records, tasks, probes and timers
    /// hold one another until then.
    private final class Lifetime {
        let router: Router
        init(_ router: Router) { self.router = router }
        deinit { router.shutdown() }
    }

    init(settings: RouterSettings = .defaults, options: Router.Options = Router.Options(), seed: UInt64 = 1) {
        router = Router(
            settings: settings, options: options, scheduler: scheduler, random: SeededRandom(seed: seed),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        results = Results()
        lifetime = Lifetime(router)
    }

    @discardableResult
    func add(
        _ id: String, node: String = "node-a", zone: String = "zone-1", max: Int = 5,
        rtt: Duration = .zero, answersProbes: Bool = true, hangs: Bool = false, answer: @escaping () -> ProbeAnswer = { .queueLength(0) }
    ) -> ScriptedReplica {
        let replica = ScriptedReplica(scheduler: scheduler, probeRTT: rtt, answer: answer)
        replica.hangs = hangs
        try! router.addReplica(
            ReplicaInfo(id: ReplicaID(id), node: node, zone: zone, maxOngoingRequests: max, answersProbes: answersProbes),
            connection: replica
        )
        return replica
    }

    @discardableResult
    func submit() -> RequestID {
        let results = self.results
        // Ids are handed out in order, and a shed request finishes before submit returns.
        let id = RequestID(UInt64(router.totals.admitted + 1))
        let assigned = router.submit { result in results.byID[id] = result }
        precondition(assigned == id)
        return id
    }

    func run(for duration: Duration) { scheduler.advance(by: duration) }
    func settle() { scheduler.run(until: scheduler.now) }
    var now: EngineTime { scheduler.now }
}

extension Duration {
    static func ms(_ value: Double) -> Duration { .clampedSeconds(value / 1000) }
}

extension EngineTime {
    static func ms(_ value: Double) -> EngineTime { .zero + .ms(value) }
}
