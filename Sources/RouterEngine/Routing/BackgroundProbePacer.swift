import DequeModule

/// The bounded, paced line of first and recovery probes: replicas wait in the order they asked, at
/// most `limit` such probes are in flight, and at most `perTick` start per `tick`, so a thousand
/// replicas added (or found unavailable) together are probed at a steady pace, not in one burst
/// that holds up the requests sharing the event loop. Takes engine time from its caller and says
/// what to do next; the router sends the probes and arms the timer, kept here only so that it can
/// be cancelled.
struct BackgroundProbePacer {
    /// The pace's period.
    static let tick = Duration.milliseconds(10)

    /// What the router does next while it sends queued probes.
    enum Next {
        /// Probe this replica (if it still needs it: it may have left or been probed meanwhile).
        case probe(ReplicaRecord)
        /// This tick's probes have started: resume at the next tick.
        case resume(at: EngineTime)
        /// Nothing waits, or the bound on probes in flight is reached.
        case idle
    }

    private let limit: Int
    private let perTick: Int
    private var queue = Deque<ReplicaRecord>()
    /// Background probes sent and not yet ended.
    private(set) var inFlight = 0
    /// When the current tick began and how many probes started in it.
    private var tickStart: EngineTime?
    private var startedThisTick = 0
    /// Set while the router sends queued probes: a probe answered at once ends inside that loop,
    /// and its end must not start the loop again inside itself.
    private var isPumping = false
    /// Resumes the queue at the next tick; armed by the router.
    var resumeTimer: (any Cancellable)?

    init(limit: Int, perTick: Int) {
        self.limit = limit
        self.perTick = perTick
    }

    /// How many replicas wait for their turn.
    var waiting: Int { queue.count }

    /// Queues `replica` for a probe; false when it needs none here (it counts its requests locally,
    /// is being probed, or waits already).
    mutating func ask(for replica: ReplicaRecord) -> Bool {
        guard !replica.countsLocally, replica.probe == nil, !replica.queuedForProbe else { return false }
        replica.queuedForProbe = true
        queue.append(replica)
        return true
    }

    /// Begins sending queued probes; false while the router is already at it or waits for the next tick.
    mutating func startPumping() -> Bool {
        guard !isPumping, resumeTimer == nil else { return false }
        isPumping = true
        return true
    }

    mutating func stopPumping() {
        isPumping = false
    }

    /// The next replica to probe at `now`, or why there is none.
    mutating func next(at now: EngineTime) -> Next {
        guard inFlight < limit, !queue.isEmpty else { return .idle }
        if let start = tickStart, now < start + Self.tick {
            guard startedThisTick < perTick else { return .resume(at: start + Self.tick) }
        } else {
            tickStart = now
            startedThisTick = 0
        }
        let replica = queue.removeFirst()
        replica.queuedForProbe = false
        return .probe(replica)
    }

    /// The router sent the probe `next` gave: it counts against this tick and the bound.
    mutating func probeStarted() {
        startedThisTick += 1
        inFlight += 1
    }

    /// A background probe ended (answered, timed out or released): it frees its place.
    mutating func probeEnded() {
        inFlight -= 1
    }

    /// Cancels the timer that would resume the queue and empties it, for `Router.shutdown()`.
    mutating func shutDown() {
        resumeTimer?.cancel()
        resumeTimer = nil
        queue = []
        inFlight = 0
        isPumping = false
    }
}
