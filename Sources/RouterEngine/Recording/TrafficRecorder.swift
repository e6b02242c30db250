/// Keeps the last minute (by default) of a router's traffic in bounded memory, for what-if replays.
///
/// Every list has a fixed capacity; `memoryBoundBytes` is what they use when full. An event that
/// must leave a full list while still inside the window is counted in `dropped`, and the
/// recording then starts later than a whole window back (its `start_s` says from when).
public final class TrafficRecorder: RouterRecorder {
    /// How much it keeps.
    public struct Limits: Equatable, Sendable {
        public var window: Duration
        public var arrivals: Int
        public var sends: Int
        public var probes: Int
        public var requests: Int
        public var changes: Int

        /// A minute at up to about 4,000 requests a second.
        public static let standard = Limits(
            window: .seconds(60), arrivals: 250_000, sends: 250_000, probes: 250_000, requests: 250_000, changes: 1000
        )

        public init(window: Duration, arrivals: Int, sends: Int, probes: Int, requests: Int, changes: Int) {
            self.window = window
            self.arrivals = arrivals
            self.sends = sends
            self.probes = probes
            self.requests = requests
            self.changes = changes
        }

        /// The bytes the lists use when every one is full (entry sizes as stored, rounded up).
        public var memoryBoundBytes: Int {
            arrivals * MemoryLayout<ArrivalEntry>.stride + sends * MemoryLayout<SendEntry>.stride
                + probes * MemoryLayout<ProbeEntry>.stride + requests * MemoryLayout<RequestEntry>.stride
                + changes * (MemoryLayout<ChangeEntry>.stride + 64) + counterCapacity * MemoryLayout<CounterSample>.stride
        }

        /// Retry counters are sampled at most every 100 ms: two windows' worth.
        var counterCapacity: Int { Int(window.secondsValue * 20) + 2 }
    }

    struct ArrivalEntry: TimedEntry { var at: EngineTime; var model: Int32 }
    struct SendEntry: TimedEntry { var at: EngineTime; var duration: Int64; var replica: Int32; var outcome: UInt8 }
    struct ProbeEntry: TimedEntry { var at: EngineTime; var roundTrip: Int64; var replica: Int32; var answer: UInt8 }
    struct RequestEntry: TimedEntry { var at: EngineTime; var waited: Int64; var attempts: Int32; var failure: Int8 }
    struct ChangeEntry: TimedEntry { var at: EngineTime; var kind: Recording.Change.Kind; var replica: ReplicaID?; var settings: RouterSettings? }
    struct CounterSample: TimedEntry { var at: EngineTime; var failedAttempts: Int; var backoffSleeps: Int }

    /// What the recorder knows of one replica beyond its events.
    final class Track {
        let info: ReplicaInfo
        var effectiveMax: Int
        var addedAt: EngineTime
        var removedAt: EngineTime?
        var unavailable: [(from: EngineTime, to: EngineTime?)] = []
        /// The last answer of the open unavailable window that said unavailable.
        var lastUnavailableAt: EngineTime?
        var deadAt: EngineTime?
        init(info: ReplicaInfo, at time: EngineTime) {
            self.info = info
            self.effectiveMax = info.maxOngoingRequests
            self.addedAt = time
        }
    }

    public let limits: Limits
    private let scheduler: any EngineScheduler
    private let options: Recording.Options
    private let randomState: [String]
    /// The settings in force at the oldest change kept (changes that left the window are folded in).
    private var baseSettings: RouterSettings
    // These five unchecked: values alone, appended to with no `leaving` closure (`LeafStateTests`).
    // A request adds to or reads them about four times.
    @exclusivity(unchecked) private var arrivals: BoundedLog<ArrivalEntry>
    @exclusivity(unchecked) private var sends: BoundedLog<SendEntry>
    @exclusivity(unchecked) private var probes: BoundedLog<ProbeEntry>
    @exclusivity(unchecked) private var requests: BoundedLog<RequestEntry>
    @exclusivity(unchecked) private var counters: BoundedLog<CounterSample>
    private var changes: BoundedLog<ChangeEntry>
    private var models: [String] = []
    private var modelIndex: [String: Int32] = [:]
    private(set) var tracks: [Track] = []
    private var trackIndex: [ReplicaID: Int] = [:]
    /// Failures by reason, as stored in `RequestEntry.failure` (-1: none).
    private static let reasons = FailureReason.allCases

    init(limits: Limits, scheduler: any EngineScheduler, settings: RouterSettings, options: Recording.Options,
         randomState: [String]) {
        self.limits = limits
        self.scheduler = scheduler
        self.options = options
        self.randomState = randomState
        self.baseSettings = settings
        arrivals = BoundedLog(capacity: limits.arrivals, window: limits.window)
        sends = BoundedLog(capacity: limits.sends, window: limits.window)
        probes = BoundedLog(capacity: limits.probes, window: limits.window)
        requests = BoundedLog(capacity: limits.requests, window: limits.window)
        changes = BoundedLog(capacity: limits.changes, window: limits.window)
        counters = BoundedLog(capacity: limits.counterCapacity, window: limits.window + .seconds(1))
    }

    // MARK: What the router tells it

    public func arrival(model: String?, at time: EngineTime, retries: RetryTotals) {
        var index: Int32 = -1
        if let model {
            if let known = modelIndex[model] {
                index = known
            } else if models.count < 1000 {
                index = Int32(models.count)
                modelIndex[model] = index
                models.append(model)
            }
        }
        arrivals.append(ArrivalEntry(at: time, model: index), now: time)
        sample(retries, at: time)
    }

    public func fulfilled(waited: Duration, attempts: Int, at time: EngineTime) {
        requests.append(RequestEntry(at: time, waited: waited.nanosecondsClamped, attempts: Int32(clamping: attempts), failure: -1),
                        now: time)
    }

    public func failed(_ reason: FailureReason, at time: EngineTime) {
        let code = Int8(Self.reasons.firstIndex(of: reason) ?? 0)
        requests.append(RequestEntry(at: time, waited: -1, attempts: 0, failure: code), now: time)
    }

    public func observe(_ info: ReplicaInfo, at time: EngineTime) -> Int32 {
        let index: Int
        if let known = trackIndex[info.id], tracks[known].removedAt != nil {
            // The same id again: a new replica, with its own track.
            index = tracks.count
            tracks.append(Track(info: info, at: time))
        } else if let known = trackIndex[info.id] {
            index = known
        } else {
            index = tracks.count
            tracks.append(Track(info: info, at: time))
        }
        trackIndex[info.id] = index
        appendChange(ChangeEntry(at: time, kind: .replicaAdded, replica: info.id, settings: nil))
        return Int32(index)
    }

    public func replicaChanged(_ kind: Recording.Change.Kind, _ id: ReplicaID, at time: EngineTime) {
        if kind == .replicaRemoved, let index = trackIndex[id] { tracks[index].removedAt = time }
        appendChange(ChangeEntry(at: time, kind: kind, replica: id, settings: nil))
    }

    public func replicaMax(_ max: Int, of id: ReplicaID) {
        if let index = trackIndex[id] { tracks[index].effectiveMax = max }
    }

    public func settingsChanged(_ settings: RouterSettings, at time: EngineTime) {
        appendChange(ChangeEntry(at: time, kind: .settingsChanged, replica: nil, settings: settings))
    }

    public func probeEnded(track replica: Int32, issuedAt: EngineTime, roundTrip: Duration?, answer: UInt8, at now: EngineTime) {
        probes.append(ProbeEntry(at: issuedAt, roundTrip: roundTrip?.nanosecondsClamped ?? -1, replica: replica, answer: answer),
                      now: now)
        let track = tracks[Int(replica)]
        switch answer {
        case ProbeCode.queueLength, ProbeCode.unexpected: markAvailable(track, askedAt: issuedAt)
        case ProbeCode.unavailable: markUnavailable(track, at: now)
        case ProbeCode.dead: if track.deadAt == nil { track.deadAt = now }
        default: break
        }
    }

    public func sendEnded(track replica: Int32, sentAt: EngineTime, outcome: UInt8, at now: EngineTime) {
        sends.append(SendEntry(at: sentAt, duration: (now - sentAt).nanosecondsClamped, replica: replica, outcome: outcome),
                     now: now)
        let track = tracks[Int(replica)]
        switch outcome {
        case SendCode.completed: markAvailable(track, askedAt: sentAt)
        case SendCode.connectionRefused, SendCode.failedMidResponse, SendCode.actorUnavailable: markUnavailable(track, at: now)
        case SendCode.replicaDied: if track.deadAt == nil { track.deadAt = now }
        default: break
        }
    }

    private func markUnavailable(_ track: Track, at time: EngineTime) {
        track.lastUnavailableAt = time
        guard track.unavailable.last.map({ $0.to != nil }) ?? true else { return }
        track.unavailable.append((time, nil))
        if track.unavailable.count > 100 { track.unavailable.removeFirst() }
    }

    /// A probe or send asked at `askedAt` was answered: the replica was back by then. Only what was
    /// asked after the window opened says so (a send already on it when it became unavailable, or a
    /// probe on its way, may finish inside the window). It came back somewhere between its last
    /// unavailable answer and this question; the window ends halfway. Ending it at this answer
    /// instead would leave a replay's recovery probe, asked on the same schedule but a few
    /// milliseconds earlier than the live router's late timers asked, inside the window: the
    /// replayed replica would stay unavailable for one more recovery interval (seconds).
    private func markAvailable(_ track: Track, askedAt: EngineTime) {
        guard let last = track.unavailable.last, last.to == nil, askedAt >= last.from else { return }
        let lastUnavailable = max(track.lastUnavailableAt ?? last.from, last.from)
        let end = askedAt > lastUnavailable ? lastUnavailable + (askedAt - lastUnavailable) / 2 : lastUnavailable
        track.unavailable[track.unavailable.count - 1].to = end
        track.lastUnavailableAt = nil
    }

    private func appendChange(_ change: ChangeEntry) {
        changes.append(change, now: change.at) { foldIn($0) }
    }

    /// A change leaving the list: the settings it made are the base of the ones kept.
    private func foldIn(_ left: ChangeEntry) {
        if left.kind == .settingsChanged, let settings = left.settings { baseSettings = settings }
    }

    private func sample(_ retries: RetryTotals, at time: EngineTime) {
        if let last = counters.entries.last, time - last.at < .milliseconds(100) { return }
        counters.append(CounterSample(at: time, failedAttempts: retries.failedAttempts, backoffSleeps: retries.backoffSleeps),
                        now: time)
    }

    // MARK: The recording

    /// The recording now; `retries` are the router's counters now, to close the window's figures.
    func recording(retries: RetryTotals) -> Recording {
        let now = scheduler.now
        let window = limits.window
        arrivals.trim(now: now)
        sends.trim(now: now)
        probes.trim(now: now)
        requests.trim(now: now)
        changes.trim(now: now) { foldIn($0) }
        // The window is whole unless a list had to drop events: then it starts at the newest of their oldest.
        var start = max(now - window, .zero)
        func later(_ log: BoundedLog<some TimedEntry>) {
            if log.dropped > 0, let oldest = log.oldestTime, oldest > start { start = oldest }
        }
        later(arrivals)
        later(sends)
        later(probes)
        later(requests)
        // Replicas removed before the window are left out; stored events keep their track numbers.
        let included = tracks.indices.filter { tracks[$0].removedAt.map { $0 >= start } ?? true }
        let outputIndex = Dictionary(uniqueKeysWithValues: included.enumerated().map { ($1, $0) })
        func currentIndex(of stored: Int32) -> Int? { outputIndex[Int(stored)] }

        let kept = arrivals.entries.filter { $0.at >= start }
        let arrivalColumns = Recording.Arrivals(atMs: kept.map { milliseconds($0.at) }, model: kept.map { Int($0.model) })
        var replicaSends = Array(repeating: Recording.Sends(), count: included.count)
        var replicaProbes = Array(repeating: Recording.Probes(), count: included.count)
        for entry in sends.entries.sorted(by: { $0.at < $1.at }) where entry.at >= start {
            guard let index = currentIndex(of: entry.replica) else { continue }
            replicaSends[index].atMs.append(milliseconds(entry.at))
            replicaSends[index].durationMs.append(Double(entry.duration) / 1e6)
            replicaSends[index].outcome.append(SendCode.names[Int(entry.outcome)])
        }
        for entry in probes.entries.sorted(by: { $0.at < $1.at }) where entry.at >= start {
            guard let index = currentIndex(of: entry.replica) else { continue }
            replicaProbes[index].atMs.append(milliseconds(entry.at))
            replicaProbes[index].roundTripMs.append(entry.roundTrip < 0 ? nil : Double(entry.roundTrip) / 1e6)
            replicaProbes[index].answer.append(ProbeCode.names[Int(entry.answer)])
        }
        let replicas = included.enumerated().map { index, trackNumber in
            let track = tracks[trackNumber]
            return Recording.Replica(
                id: track.info.id.rawValue, node: track.info.node, zone: track.info.zone,
                configuredMax: track.info.maxOngoingRequests, effectiveMax: track.effectiveMax,
                answersProbes: track.info.answersProbes, sends: replicaSends[index], probes: replicaProbes[index],
                unavailable: track.unavailable.filter { ($0.to ?? now) >= start }.map {
                    Recording.Window(fromS: $0.from.seconds, toS: $0.to?.seconds)
                },
                deadAtS: track.deadAt?.seconds
            )
        }
        var settings = baseSettings
        var changeList: [Recording.Change] = []
        for change in changes.entries {
            if change.at < start {
                if let new = change.settings { settings = new }
                continue
            }
            changeList.append(Recording.Change(atS: change.at.seconds, kind: change.kind, replica: change.replica?.rawValue,
                                               settings: change.settings))
        }
        return Recording(
            windowS: window.secondsValue, startS: start.seconds, endS: now.seconds,
            startUTC: scheduler.utc(start), endUTC: scheduler.utc(now),
            memoryBoundBytes: limits.memoryBoundBytes,
            limits: Recording.Counts(arrivals: limits.arrivals, sends: limits.sends, probes: limits.probes,
                                     requests: limits.requests, changes: limits.changes),
            dropped: Recording.Counts(arrivals: arrivals.dropped, sends: sends.dropped, probes: probes.dropped,
                                      requests: requests.dropped, changes: changes.dropped),
            randomState: randomState, settings: settings, options: options, models: models,
            arrivals: arrivalColumns, replicas: replicas, changes: changeList,
            observed: observed(from: start, arrivals: kept.count, retries: retries)
        )
    }

    private func milliseconds(_ time: EngineTime) -> Double { Double(time.nanoseconds) / 1e6 }

    private func observed(from start: EngineTime, arrivals count: Int, retries: RetryTotals) -> Recording.Observed {
        var waits: [Int64] = []
        var attempts = 0
        var failures: [String: Int] = [:]
        for entry in requests.entries where entry.at >= start {
            if entry.failure >= 0 {
                failures[Self.reasons[Int(entry.failure)].rawValue, default: 0] += 1
            } else {
                waits.append(entry.waited)
                attempts += Int(entry.attempts)
            }
        }
        waits.sort()
        func percentile(_ p: Double) -> Double? {
            guard !waits.isEmpty else { return nil }
            let rank = max(Int((p * Double(waits.count)).rounded(.up)) - 1, 0)
            return Double(waits[min(rank, waits.count - 1)]) / 1e6
        }
        let first = counters.entries.first { $0.at >= start }
        return Recording.Observed(
            arrivals: count, fulfilled: waits.count, fulfillmentP50Ms: percentile(0.5), fulfillmentP99Ms: percentile(0.99),
            attemptsPerRequest: waits.isEmpty ? nil : Double(attempts) / Double(waits.count),
            failedAttempts: retries.failedAttempts - (first?.failedAttempts ?? retries.failedAttempts),
            backoffSleeps: retries.backoffSleeps - (first?.backoffSleeps ?? retries.backoffSleeps),
            failures: failures
        )
    }
}

/// Send outcomes as stored (`names` gives the recording's words).
public enum SendCode {
    public static let completed: UInt8 = 0, refused: UInt8 = 1, failedBeforeResponse: UInt8 = 2, failedMidResponse: UInt8 = 3
    public static let replicaDied: UInt8 = 4, connectionRefused: UInt8 = 5, cancelled: UInt8 = 6, actorUnavailable: UInt8 = 7
    public static let names = [
        SendOutcomeName.completed, SendOutcomeName.refused, SendOutcomeName.failedBeforeResponse,
        SendOutcomeName.failedMidResponse, SendOutcomeName.replicaDied, SendOutcomeName.connectionRefused,
        SendOutcomeName.cancelled, SendOutcomeName.actorUnavailable,
    ]

    static func of(_ outcome: SendOutcome) -> UInt8 {
        switch outcome {
        case .completed: completed
        case .rejected: refused
        case .failedBeforeResponse: failedBeforeResponse
        case .failedMidResponse: failedMidResponse
        case .replicaDied: replicaDied
        case .connectionRefused: connectionRefused
        case .actorUnavailable: actorUnavailable
        }
    }
}

/// Probe answers as stored (`names` gives the recording's words).
public enum ProbeCode {
    public static let queueLength: UInt8 = 0, unavailable: UInt8 = 1, dead: UInt8 = 2, unsupported: UInt8 = 3
    public static let unexpected: UInt8 = 4, timeout: UInt8 = 5
    public static let names = [
        ProbeAnswerName.queueLength, ProbeAnswerName.unavailable, ProbeAnswerName.dead, ProbeAnswerName.unsupported,
        ProbeAnswerName.unexpected, ProbeAnswerName.timeout,
    ]

    static func of(_ answer: ProbeAnswer) -> UInt8 {
        switch answer {
        case .queueLength: queueLength
        case .unavailable: unavailable
        case .dead: dead
        case .unsupported: unsupported
        case .unexpected: unexpected
        }
    }
}
