import RouterEngine

/// A replica that behaves as the recorded one did: it takes its service times, probe round trips,
/// failures, unavailability and death from the recording, and refuses work beyond its effective
/// maximum, as the real one does.
///
/// Under the recorded settings its sends and probes come at the recorded moments and it answers
/// exactly as recorded. Under other settings they come at other moments: a send takes the next
/// recorded send not yet used (within `lookahead`), else a service time recorded near that moment;
/// a probe takes the round trip and answer of the last probe recorded before it.
final class ReplayedReplica: ReplicaConnection {
    /// How far ahead of now a recorded send may be taken for a send now.
    static let lookahead: Int64 = 200_000_000
    /// How far around now a service time is drawn from when none is left to take in order.
    static let nearby: Int64 = 2_000_000_000

    private let plan: ReplayPlan.Replica
    private let fleetService: [Int64]
    private let fleetRoundTrip: Int64
    private let scheduler: any EngineScheduler
    private var random: SeededRandom
    private var sendCursor = 0
    private var probeCursor = 0
    private var running: [RequestID: Running] = [:]
    private var deathTimer: (any Cancellable)?
    private var isDead = false
    /// Where it tells the router the model of each request it served.
    private var modelEvidence: ((ModelEvidence) -> Void)?

    private struct Running {
        var timer: any Cancellable
        var finished: (SendOutcome) -> Void
    }

    init(plan: ReplayPlan.Replica, fleetService: [Int64], fleetRoundTrip: Int64, scheduler: any EngineScheduler,
         random: SeededRandom) {
        self.plan = plan
        self.fleetService = fleetService
        self.fleetRoundTrip = fleetRoundTrip
        self.scheduler = scheduler
        self.random = random
        if let deadAt = plan.deadAt {
            deathTimer = scheduler.schedule(at: EngineTime(nanoseconds: deadAt)) { [weak self] in self?.die() }
        }
    }

    private var now: Int64 { scheduler.now.nanoseconds }

    func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
        let t = now
        var roundTrip = fleetRoundTrip
        var kind = ProbeCode.queueLength
        var recorded = false
        if let (index, exact) = probeEntry(at: t) {
            roundTrip = exact ? plan.probeRoundTrip[index] : nearbyRoundTrip(at: t, else: plan.probeRoundTrip[index])
            // A probe recorded at this very moment answers as recorded. Otherwise unavailability
            // comes from the windows: probes of an unavailable replica are seconds apart (its
            // recovery schedule), and the last one before may say unavailable long after the window ended.
            let answer = plan.probeAnswer[index]
            recorded = exact
            kind = exact || answer != ProbeCode.unavailable ? answer : ProbeCode.queueLength
        }
        // A probe that got no answer in time gets none now either.
        guard roundTrip >= 0 else { return nil }
        return scheduler.schedule(after: .nanoseconds(roundTrip)) { [self] in
            let at = now
            if isDead || kind == ProbeCode.dead {
                answer(.dead)
            } else if kind == ProbeCode.unavailable || (!recorded && isUnavailable(at: at)) {
                answer(.unavailable)
            } else if kind == ProbeCode.unsupported {
                answer(.unsupported)
            } else if kind == ProbeCode.unexpected {
                answer(.unexpected(""))
            } else {
                answer(.queueLength(running.count, maxOngoingRequests: plan.capacity))
            }
        }
    }

    /// The probe recorded at this moment (taken in order; `exact`), else the last one recorded
    /// before it.
    private func probeEntry(at t: Int64) -> (index: Int, exact: Bool)? {
        let times = plan.probeAt
        guard !times.isEmpty else { return nil }
        while probeCursor < times.count, times[probeCursor] < t { probeCursor += 1 }
        if probeCursor < times.count, times[probeCursor] == t {
            probeCursor += 1
            return (probeCursor - 1, true)
        }
        return (probeCursor > 0 ? probeCursor - 1 : 0, false)
    }

    /// The round trip (-1: none in time) of a probe recorded within `nearby` of `t`, drawn at
    /// random; else `fallback`. Drawn, not the last one's: probes the replay sends at one moment
    /// (the routing tasks that slept the same backoff) then end at moments as spread as the
    /// recorded ones, as a live router's do; with one round trip for all, the tasks stay in step
    /// and fill the replicas in bursts with idle slots between.
    private func nearbyRoundTrip(at t: Int64, else fallback: Int64) -> Int64 {
        let low = plan.probeAt.partitionPoint { $0 >= t - Self.nearby }
        let high = plan.probeAt.partitionPoint { $0 >= t + Self.nearby }
        guard high > low else { return fallback }
        return plan.probeRoundTrip[low + random.below(high - low)]
    }

    private func isUnavailable(at t: Int64) -> Bool {
        plan.unavailable.contains { $0.from <= t && t < $0.to }
    }

    func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
        let id = request.id
        if isDead {
            return scheduler.schedule(after: .zero) { finished(.replicaDied) }
        }
        if running.count >= plan.capacity {
            let length = max(plan.capacity, running.count)
            return scheduler.schedule(after: .zero) { finished(.rejected(queueLength: length)) }
        }
        let (duration, outcome) = nextSend(at: now)
        guard let outcome else {
            // It died with this request on it: the death ends it.
            running[id] = Running(timer: NothingScheduled(), finished: finished)
            return ReplayedSend(replica: self, id: id)
        }
        let model = request.model
        let timer = scheduler.schedule(after: .nanoseconds(duration)) { [self] in
            guard let done = running.removeValue(forKey: id) else { return }
            if case .completed = outcome, let model { modelEvidence?(.served(model: model)) }
            done.finished(outcome)
        }
        running[id] = Running(timer: timer, finished: finished)
        return ReplayedSend(replica: self, id: id)
    }

    /// A replayed replica holds the model of each request it served, as the router sees a live
    /// replica that tells no model set (the recording keeps no replica's own reports): without it,
    /// the router would hold a model's later requests for the report of the replica its first one
    /// went to, until their matching timeout.
    func reportModelEvidence(to sink: @escaping (ModelEvidence) -> Void) {
        modelEvidence = sink
    }

    /// The duration and outcome of a send now: the next recorded one in order when it is near,
    /// else a service time recorded near now. A nil outcome: the replica died while serving it.
    private func nextSend(at t: Int64) -> (Int64, SendOutcome?) {
        let times = plan.sendAt
        while sendCursor < times.count, times[sendCursor] < t { sendCursor += 1 }
        while sendCursor < times.count, times[sendCursor] <= t + Self.lookahead {
            let index = sendCursor
            sendCursor += 1
            let duration = plan.sendDuration[index]
            switch plan.sendOutcome[index] {
            case SendCode.completed: return (duration, .completed)
            case SendCode.failedBeforeResponse: return (duration, .failedBeforeResponse)
            case SendCode.failedMidResponse: return (duration, .failedMidResponse(retryable: true))
            case SendCode.connectionRefused: return (duration, .connectionRefused)
            case SendCode.actorUnavailable: return (duration, .actorUnavailable)
            case SendCode.replicaDied: return (0, nil)
            default: continue
            }
        }
        return (nearbyServiceTime(at: t), .completed)
    }

    /// A completed service time recorded for this replica within `nearby` of `t`; else any of its
    /// own; else the fleet's.
    private func nearbyServiceTime(at t: Int64) -> Int64 {
        let times = plan.servedAt
        let low = times.partitionPoint { $0 >= t - Self.nearby }
        let high = times.partitionPoint { $0 >= t + Self.nearby }
        if high > low { return plan.servedDuration[low + random.below(high - low)] }
        if !times.isEmpty { return plan.servedDuration[random.below(times.count)] }
        if !fleetService.isEmpty { return fleetService[random.below(fleetService.count)] }
        return 1_000_000
    }

    /// Every request on it fails with `.replicaDied`, and from now on it is dead.
    private func die() {
        isDead = true
        let victims = running.sorted { $0.key < $1.key }
        running.removeAll()
        for (_, victim) in victims {
            victim.timer.cancel()
            scheduler.schedule(after: .zero) { victim.finished(.replicaDied) }
        }
    }

    /// Drops every request in progress at the end of a replay, so the router and the fleet are freed.
    func abandonAll() {
        for (_, request) in running { request.timer.cancel() }
        running.removeAll()
        deathTimer?.cancel()
    }

    fileprivate func abandon(_ id: RequestID) {
        running.removeValue(forKey: id)?.timer.cancel()
    }
}

private final class NothingScheduled: Cancellable {
    func cancel() {}
}

private final class ReplayedSend: Cancellable {
    private weak var replica: ReplayedReplica?
    private let id: RequestID

    init(replica: ReplayedReplica, id: RequestID) {
        self.replica = replica
        self.id = id
    }

    func cancel() { replica?.abandon(id) }
}
