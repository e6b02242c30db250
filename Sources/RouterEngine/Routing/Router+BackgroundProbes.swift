extension Router {
    /// The pace's period (see `Options.backgroundProbesPerTick`).
    static let backgroundProbeTick = Duration.milliseconds(10)

    /// Asks for a first or recovery probe of `replica`: sent now while fewer than
    /// `options.backgroundProbeLimit` such probes are in flight, else queued in order. A replica
    /// already being probed, or already queued, is not asked for twice.
    func requestBackgroundProbe(_ replica: ReplicaRecord) {
        guard !replica.countsLocally, replica.probe == nil, !replica.queuedForProbe else { return }
        replica.queuedForProbe = true
        backgroundProbeQueue.append(replica)
        pumpBackgroundProbes()
    }

    /// Sends queued background probes while there is room, at most `backgroundProbesPerTick` per
    /// tick; the rest resume at the next tick. A probe answered at once (a simulated replica's)
    /// ends inside the loop; the flag keeps that from recursing once per queued replica.
    func pumpBackgroundProbes() {
        guard !pumpingBackgroundProbes, backgroundPumpTimer == nil else { return }
        pumpingBackgroundProbes = true
        defer { pumpingBackgroundProbes = false }
        while backgroundProbesInFlight < options.backgroundProbeLimit, !backgroundProbeQueue.isEmpty {
            if let start = backgroundTickStart, now < start + Self.backgroundProbeTick {
                guard backgroundStartedThisTick < options.backgroundProbesPerTick else {
                    backgroundPumpTimer = scheduler.schedule(at: start + Self.backgroundProbeTick) { [weak self] in
                        guard let self else { return }
                        backgroundPumpTimer = nil
                        pumpBackgroundProbes()
                    }
                    return
                }
            } else {
                backgroundTickStart = now
                backgroundStartedThisTick = 0
            }
            let replica = backgroundProbeQueue.removeFirst()
            replica.queuedForProbe = false
            // It may have left, been probed by a routing task meanwhile, or no longer need the probe.
            guard replicasByID[replica.id] === replica, replica.isRoutable, !replica.countsLocally,
                  replica.probe == nil, replica.state == .probing || replica.state == .unavailable else { continue }
            backgroundStartedThisTick += 1
            probe(replica, waiter: nil, attemptIndex: 0, background: true)
        }
    }

    /// A probe ended (answered, timed out or released): a background one frees its place.
    func backgroundProbeEnded(_ probe: ProbeInFlight) {
        guard probe.isBackground else { return }
        probe.isBackground = false
        backgroundProbesInFlight -= 1
        pumpBackgroundProbes()
    }
}
