import Logging

/// The request router: Ray Serve's power-of-two-choices replica router, on an injected scheduler.
///
/// A single-threaded state machine: every method, and every callback of the replica connections,
/// runs on `scheduler`. It never sleeps; it schedules timers, so it runs as well on virtual time as
/// on an event loop.
public final class Router {
    /// Limits and placement that do not change while the router runs (equal when every field is).
    public struct Options: Equatable, Sendable {
        public var locality: Locality
        /// The policy in which the first retry also sleeps; for side-by-side measurement only.
        public var legacyBackoff: Bool
        /// Requests arriving while this many wait are shed.
        public var maxPendingRequests: Int
        /// A request that waits this long for a replica fails; nil waits for ever.
        public var routingTimeout: Duration?
        /// How often a request whose replica failed is routed again before it fails.
        public var maxReroutes: Int
        /// The cap on concurrent routing tasks (Ray Serve's is 50).
        public var maxRoutingTasksCap: Int
        /// A warning is logged every this many failed attempts of one search.
        public var warnEveryFailedAttempts: Int
        public var eventCapacity: Int
        /// How many finished requests' decision traces the router keeps (0 keeps none).
        public var traceCapacity: Int
        /// Whether a request's model steers its routing (Ray's multiplexing); when false, requests
        /// for models route by locality like any other (for side-by-side measurement).
        public var multiplexRouting: Bool
        /// The most first and recovery probes in flight at once; more wait their turn in order, so
        /// a large replica set added at once (or found unavailable at once) is probed gradually.
        public var backgroundProbeLimit: Int
        /// The most first and recovery probes started per `BackgroundProbePacer.tick`: a thousand replicas
        /// found unavailable together are asked again at a steady pace, not in one burst that holds
        /// up the requests sharing the event loop.
        public var backgroundProbesPerTick: Int

        public init(
            locality: Locality = Locality(node: "node-a", zone: "zone-1"),
            legacyBackoff: Bool = false,
            maxPendingRequests: Int = 10_000,
            routingTimeout: Duration? = .seconds(30),
            maxReroutes: Int = 3,
            maxRoutingTasksCap: Int = 50,
            warnEveryFailedAttempts: Int = 50,
            eventCapacity: Int = 500,
            traceCapacity: Int = 1000,
            multiplexRouting: Bool = true,
            backgroundProbeLimit: Int = 64,
            backgroundProbesPerTick: Int = 16
        ) {
            self.locality = locality
            self.legacyBackoff = legacyBackoff
            self.maxPendingRequests = maxPendingRequests
            self.routingTimeout = routingTimeout
            self.maxReroutes = maxReroutes
            self.maxRoutingTasksCap = maxRoutingTasksCap
            self.warnEveryFailedAttempts = warnEveryFailedAttempts
            self.eventCapacity = eventCapacity
            self.traceCapacity = traceCapacity
            self.multiplexRouting = multiplexRouting
            self.backgroundProbeLimit = max(backgroundProbeLimit, 1)
            self.backgroundProbesPerTick = max(backgroundProbesPerTick, 1)
        }
    }

    let scheduler: any EngineScheduler
    var random: SeededRandom
    let logger: Logger
    public let options: Options
    /// The settings in force and the backoff they make (apart from their lifecycle: `LiveSettings`).
    var live: LiveSettings
    /// The settings' undo history, a trial of new ones, and the journal of changes.
    var settingsLifecycle: SettingsLifecycle

    /// The replicas, their locality tiers and their model reports.
    let replicaSet: ReplicaSet
    /// First and recovery probes waiting their turn, and their pace.
    var backgroundProbes: BackgroundProbePacer
    /// Admitted requests, the waiting ones in order, their ids and totals, and the routing deadline.
    var queue: RequestQueue
    /// The routing tasks and when they are topped up.
    var taskPool = TaskPool()

    /// Counters, rates, latency, the event log and the decision traces, for snapshots.
    // Unchecked: values alone (`LeafStateTests`). A request changes it about eight times.
    @exclusivity(unchecked) var statistics: RouterStatistics
    /// The failure lines folded before they reach the event log; apart from `statistics` because
    /// they keep the closures that word their lines.
    var failureLines = FailureEventLines()
    // The three below are stored internally behind public computed properties, and the two that
    // hold references are replaced by a swap: the optimizer drops a property's run-time
    // exclusivity checks (about 75 instructions each) only when it sees every access to it, and
    // only when none can run other code, which releasing the value a write replaces can (a
    // deinit). Each is read on every request.
    var storedTraceSink: ((RequestTrace) -> Void)?
    var storedRecorder: (any RouterRecorder)?
    var storedIsShutDown = false
    /// The timers of the failure lines (`recordThrottled`, shedding), by key, so a shutdown can cancel them.
    var failureLineTimers: [String: any Cancellable] = [:]
    /// What its timers' and sends' callbacks hold instead of it.
    let handle = CallbackHandle<Router>()

    public init(
        settings: RouterSettings,
        options: Options = Options(),
        scheduler: any EngineScheduler,
        random: SeededRandom,
        logger: Logger = Logger(label: "routertop.router")
    ) {
        self.live = LiveSettings(settings, legacyBackoff: options.legacyBackoff)
        self.settingsLifecycle = SettingsLifecycle(startup: settings)
        self.options = options
        self.scheduler = scheduler
        self.random = random
        self.logger = logger
        self.statistics = RouterStatistics(eventCapacity: options.eventCapacity, traceCapacity: options.traceCapacity)
        self.replicaSet = ReplicaSet(locality: options.locality)
        self.backgroundProbes = BackgroundProbePacer(limit: options.backgroundProbeLimit, perTick: options.backgroundProbesPerTick)
        self.queue = RequestQueue(routingTimeout: options.routingTimeout)
        handle.attach(self)
    }

    deinit {
        handle.objectGone()
    }

    /// The scheduler's time. On real time each read is a clock call, so the steps every request
    /// takes (admission, assignment, dispatch, finish) read it once into a local.
    var now: EngineTime { scheduler.now }

    /// Receives every finished request's trace, in the order requests finish (`simulate --trace`).
    public var traceSink: ((RequestTrace) -> Void)? {
        get { storedTraceSink }
        set {
            var replaced = newValue
            swap(&replaced, &storedTraceSink)
        }
    }

    /// Keeps the recent traffic for what-if replays (`startRecording`); nil records nothing.
    public internal(set) var recorder: (any RouterRecorder)? {
        get { storedRecorder }
        set {
            var replaced = newValue
            swap(&replaced, &storedRecorder)
        }
    }

    /// Set by `shutdown()`: the router has let go of everything and refuses every command.
    public internal(set) var isShutDown: Bool {
        get { storedIsShutDown }
        set { storedIsShutDown = newValue }
    }

    /// The live settings.
    public var settings: RouterSettings { live.settings }
    /// The settings the router started with.
    public var startupSettings: RouterSettings { settingsLifecycle.startup }
    /// Where every change is written before it takes effect; provided by the host (nil: none kept).
    public var journal: (any ChangeJournal)? {
        get { settingsLifecycle.journal }
        set { settingsLifecycle.journal = newValue }
    }
    var backoff: BackoffPolicy { live.backoff }

    /// Admitted, finished, waiting and running requests.
    public var totals: RequestTotals { queue.totals }

    /// Routable replicas by locality: own node, own zone, all (a tier may be empty).
    var nodeTier: [ReplicaRecord] { replicaSet.nodeTier }
    var zoneTier: [ReplicaRecord] { replicaSet.zoneTier }
    var allTier: [ReplicaRecord] { replicaSet.allTier }
    var routableCount: Int { allTier.count }

    /// The number of routing tasks the router runs for the current queue and replica set.
    var targetTaskCount: Int {
        // Without pending requests the candidate sets need not be rebuilt to know it is 0.
        guard queue.totals.pending > 0 else { return 0 }
        return min(queue.totals.pending, maxTaskCount)
    }

    /// The most routing tasks the current replica set allows.
    var maxTaskCount: Int { min(options.maxRoutingTasksCap, 2 * routableCount) }

    /// Adds a line to the event log (and to the log file).
    public func record(_ kind: RouterEvent.Kind, _ message: String, change: ChangeRecord? = nil) {
        statistics.append(RouterEvent(time: now, timeUTC: scheduler.utc(now), kind: kind, message: message, change: change))
        switch kind {
        case .warning: logger.warning("\(message)")
        default: logger.info("\(message)")
        }
    }
}
