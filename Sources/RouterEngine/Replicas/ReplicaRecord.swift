/// The router's working state for one replica. Lives on the router's scheduler.
final class ReplicaRecord {
    /// Its description; `maxOngoingRequests` is the effective maximum (the replica's own, once reported).
    var info: ReplicaInfo
    /// The maximum it was configured with, used until it reports its own.
    let configuredMax: Int
    let connection: any ReplicaConnection
    /// What the callbacks its connection keeps hold instead of it.
    let handle = CallbackHandle<ReplicaRecord>()
    /// Its number in the router's recording (nil when none was kept as it joined).
    var recordingTrack: Int32?
    /// `probing` until its first probe answers, when it answers probes; `healthy` from the start otherwise.
    var state: ReplicaState
    /// Set when the operator removed it: it takes no new work and is forgotten once idle.
    var isLeaving = false
    /// True when it has no probe endpoint: its queue length is the router's own count.
    var countsLocally: Bool
    var cache: QueueLengthEntry?
    var probe: ProbeInFlight?
    /// True while it waits in the router's queue of background probes (first and recovery probes).
    var queuedForProbe = false
    var recoveryTimer: (any Cancellable)?
    var recoveryDelay: Duration = .milliseconds(500)
    var inFlight = 0
    /// A locally counted replica that refused work is taken as full until then.
    var refusedUntil: EngineTime?
    var routed = 0
    var completed = 0
    /// Requests it refused because it was full.
    var rejected = 0
    /// Probe answers that said it was full.
    var fullAnswers = 0
    /// Upstream failures (refused connection, reset, died, failed before answering), and the last cause.
    var errors = 0
    var lastErrorCause: String?
    /// True while it is unavailable because forwarding to it failed (not because a probe did).
    var unavailableByForwarding = false
    var probeTimeouts = 0
    /// True while its last probe timed out (until one is answered).
    var lastProbeTimedOut = false
    /// Set once the operator was told its probe answer was not a queue length.
    var warnedUnexpectedProbe = false
    var retriesAttributed = 0
    var probeRTT: Duration?
    // Unchecked: values alone (`LeafStateTests`). Each changes once a request.
    @exclusivity(unchecked) var latency = LatencyWindow()
    @exclusivity(unchecked) var rate = RateCounter()
    var fault: String?
    /// The models it holds as the router knows them: from its last report (probe answer or answer
    /// header), plus those inferred from its successful answers to requests for them.
    var models: [String] = []
    /// Models in `models` known only from successful answers, until a report says otherwise.
    var inferredModels: Set<String> = []
    /// When its models were last reported or inferred; nil before.
    var modelsLearnedAt: EngineTime?
    /// The version of the model set its answers last told (nil: its answers never told one).
    var modelReportVersion: UInt64?
    /// Probes it every second while any of its models is inferred, so evictions are learnt.
    var inferenceProbeTimer: (any Cancellable)?
    /// Whether the event log already said that this replica's model reports are cut.
    var modelReportCutTold = false
    /// Models that appeared in its reports, over its life: the loads the router saw.
    var modelLoadsSeen = 0
    /// Requests routed to it for each model it holds, while it holds it.
    var modelUse: [String: Int] = [:]

    init(info: ReplicaInfo, connection: any ReplicaConnection) {
        self.info = info
        self.configuredMax = info.maxOngoingRequests
        self.connection = connection
        self.countsLocally = !info.answersProbes
        self.state = info.answersProbes ? .probing : .healthy
        handle.attach(self)
    }

    deinit {
        handle.objectGone()
    }

    var id: ReplicaID { info.id }

    /// Whether routing may pick it at all (an unavailable one only when every routable one is).
    var isRoutable: Bool { !isLeaving && (state == .healthy || state == .probing || state == .unavailable) }

    /// Taking requests as far as the router knows: healthy, or not yet probed.
    var isUp: Bool { state == .healthy || state == .probing }

    /// The router shuts down: its timers and its probe are called off. Each timer's action holds
    /// this record, and the probe holds the routing tasks waiting on it, which hold records.
    func shutDown() {
        recoveryTimer?.cancel()
        recoveryTimer = nil
        inferenceProbeTimer?.cancel()
        inferenceProbeTimer = nil
        probe?.callOff()
        probe = nil
        queuedForProbe = false
    }
}

/// A cached queue length: the figure, when a probe learned it, and when that probe was sent.
struct QueueLengthEntry {
    var length: Int
    var learnedAt: EngineTime
    /// When the probe that learned it was sent; a later answer to an older probe never overwrites it.
    var issuedAt: EngineTime
    /// True once local sends or completions changed the probed figure.
    var adjusted = false
}

/// A probe on its way: at most one per replica. Tasks that need the same answer wait on it together.
final class ProbeInFlight {
    let issuedAt: EngineTime
    let deadline: Duration
    /// A first or recovery probe, counted against the router's bound on background probes.
    var isBackground = false
    var timer: (any Cancellable)?
    var handle: (any Cancellable)?
    var waiters: [(task: RoutingTask, token: Int)] = []

    init(issuedAt: EngineTime, deadline: Duration) {
        self.issuedAt = issuedAt
        self.deadline = deadline
    }

    /// Cancels its deadline and the call itself, and tells no waiter (the router shuts down).
    func callOff() {
        timer?.cancel()
        timer = nil
        handle?.cancel()
        handle = nil
        waiters = []
    }
}
