extension Router {
    /// Asks for a first or recovery probe of `replica`: sent now while fewer than
    /// `options.backgroundProbeLimit` such probes are in flight, else queued in order. A replica
    /// already being probed, or already queued, is not asked for twice.
    func requestBackgroundProbe(_ replica: ReplicaRecord) {
        guard backgroundProbes.ask(for: replica) else { return }
        pumpBackgroundProbes()
    }

    /// Sends queued background probes while the pacer allows; the rest resume at the next tick. A
    /// probe answered at once (a simulated replica's) ends inside the loop; the pacer keeps that
    /// from recursing once per queued replica.
    func pumpBackgroundProbes() {
        guard backgroundProbes.startPumping() else { return }
        defer { backgroundProbes.stopPumping() }
        while true {
            switch backgroundProbes.next(at: now) {
            case .idle:
                return
            case .resume(let time):
                backgroundProbes.resumeTimer = scheduler.schedule(at: time) { [handle] in
                    guard let router = handle.object else { return }
                    router.backgroundProbes.resumeTimer = nil
                    router.pumpBackgroundProbes()
                }
                return
            case .probe(let replica):
                // It may have left, been probed by a routing task meanwhile, or no longer need the probe.
                guard replicaSet.holds(replica), replica.isRoutable, !replica.countsLocally,
                      replica.probe == nil, replica.state == .probing || replica.state == .unavailable else { continue }
                backgroundProbes.probeStarted()
                probe(replica, waiter: nil, attemptIndex: 0, background: true)
            }
        }
    }

    /// A probe ended (answered, timed out or released): a background one frees its place.
    func backgroundProbeEnded(_ probe: ProbeInFlight) {
        guard probe.isBackground else { return }
        probe.isBackground = false
        backgroundProbes.probeEnded()
        pumpBackgroundProbes()
    }
}
