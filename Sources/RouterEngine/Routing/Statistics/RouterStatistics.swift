import Histogram

/// What the router counts as it runs, and what its snapshots read: request rates, fulfilment
/// latency, attempts per request, retries and backoff sleeps, the event log and the decision
/// traces. Takes engine time from its caller; owns no timer. Holds values alone (`LeafStateTests`).
struct RouterStatistics {
    private(set) var retries = RetryTotals()
    /// Fulfilment latency (admission to assignment): recent, and over the router's whole life.
    private var fulfillmentWindow = LatencyWindow(significantDigits: .three)
    private var fulfillmentAll = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    /// Requests by the routing attempts they needed.
    private var attemptCounts = AttemptCounts()
    /// How many sleeps of each wait (in nanoseconds) followed each failed-attempt number.
    private var sleptWaits: [Int: [Int64: Int]] = [:]
    private var admittedRate = RateCounter(seconds: 11)
    private var completedRate = RateCounter(seconds: 11)
    private var failedRate = RateCounter(seconds: 11)
    private var eventLog: EventLog
    private(set) var traces: TraceLog

    init(eventCapacity: Int, traceCapacity: Int) {
        eventLog = EventLog(capacity: eventCapacity)
        traces = TraceLog(capacity: traceCapacity)
    }

    // MARK: What the router records

    mutating func requestAdmitted(at now: EngineTime) {
        admittedRate.record(at: now)
    }

    mutating func requestCompleted(at now: EngineTime) {
        completedRate.record(at: now)
    }

    mutating func requestFailed(at now: EngineTime) {
        failedRate.record(at: now)
    }

    /// A request got its replica after `waited`, at its `attempts`-th attempt. A request routed
    /// again (its replica failed it) was counted before under `previouslyCounted`: it moves.
    mutating func requestFulfilled(waited: Duration, attempts: Int, previouslyCounted: Int?, at now: EngineTime) {
        fulfillmentWindow.record(waited, at: now)
        _ = fulfillmentAll.record(UInt64(max(waited.nanosecondsClamped / 1000, 0)))
        attemptCounts.count(attempts, movingFrom: previouslyCounted)
    }

    /// An attempt found no replica, or a replica refused the request.
    mutating func attemptFailed() {
        retries.failedAttempts += 1
    }

    /// A search went on so long that a warning was logged.
    mutating func warned() {
        retries.warnings += 1
    }

    /// A request whose replica failed it is routed again.
    mutating func rerouted() {
        retries.reroutes += 1
    }

    /// A send found its replica unavailable.
    mutating func sendFoundUnavailable() {
        retries.unavailableSends += 1
    }

    /// Counts (or, with `by: -1`, uncounts) a backoff sleep, so a re-timed sleep is reported with
    /// the wait it sleeps now. A zero wait (an immediate retry) is no sleep.
    mutating func countSleep(afterFailedAttempt failed: Int, wait: Duration, by delta: Int) {
        guard wait > .zero else { return }
        retries.backoffSleeps += delta
        let nanos = wait.nanosecondsClamped
        let count = (sleptWaits[failed]?[nanos] ?? 0) + delta
        sleptWaits[failed, default: [:]][nanos] = count > 0 ? count : nil
    }

    mutating func append(_ event: RouterEvent) {
        eventLog.append(event)
    }

    mutating func keep(_ trace: consuming RequestTrace) {
        traces.keep(consume trace)
    }

    /// A new request's trace, in the storage of one the log let go of.
    mutating func newTrace(request: UInt64, admittedMs: Double, admittedUTC: UTCTime) -> RequestTrace {
        traces.newTrace(request: request, admittedMs: admittedMs, admittedUTC: admittedUTC)
    }

    /// An attempt's candidates go into the storage of a trace the log let go of.
    mutating func spareTraceCandidates() -> [TraceCandidate] {
        traces.takeSpareCandidates()
    }

    // MARK: What snapshots read

    mutating func rateIn(at now: EngineTime) -> Double { admittedRate.average(over: 5, at: now) }
    mutating func rateOut(at now: EngineTime) -> Double { completedRate.average(over: 5, at: now) }
    mutating func rateFailed(at now: EngineTime) -> Double { failedRate.average(over: 5, at: now) }

    /// Fulfilment latency over the recent window.
    mutating func fulfillment(at now: EngineTime) -> LatencySummary {
        fulfillmentWindow.summary(at: now)
    }

    /// Fulfilment latency over the router's whole life.
    var lifetimeFulfillment: LatencySummary {
        LatencySummary(histogram: fulfillmentAll)
    }

    /// Requests by the number of routing attempts they needed, fewest first.
    var attemptsHistogram: [AttemptBucket] {
        attemptCounts.buckets
    }

    /// The distinct backoff waits slept, in the order of the failed attempt they followed.
    var backoffWaitsSlept: [Duration] {
        var seen = Set<Int64>()
        return sleptWaits.keys.sorted()
            .flatMap { (sleptWaits[$0] ?? [:]).keys.sorted() }
            .filter { seen.insert($0).inserted }
            .map { Duration.nanoseconds($0) }
    }

    /// The waits slept after each failed-attempt number.
    var backoffWaitsByAttempt: [Int: [Duration]] {
        sleptWaits.filter { !$0.value.isEmpty }.mapValues { $0.keys.sorted().map { Duration.nanoseconds($0) } }
    }

    /// The last `limit` events, oldest first.
    func recentEvents(_ limit: Int) -> [RouterEvent] {
        eventLog.recent(limit)
    }
}
