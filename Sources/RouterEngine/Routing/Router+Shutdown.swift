extension Router {
    /// Why a command given after `shutdown()` is refused.
    public static let shutDownRefusal = "the router is shut down"

    /// Ends the router for good, so that it and everything it holds are freed with the host's last
    /// reference to it. While it runs, its parts hold one another: a replica record holds its
    /// recovery timer, whose action holds the record; a probe holds the routing tasks waiting on it,
    /// which hold their requests and candidate records; a request's send holds its record and its
    /// replica's. A router dropped with work in flight kept all of them alive.
    ///
    /// Every timer the router and its records armed is cancelled: the routing deadline, the
    /// background probe pace, the failure lines' timers, the settings trial's (the settings stay
    /// as they are), each task's wake-up, and each replica's probe deadline, recovery and
    /// model-inference probes. Probes and sends in flight are called off. Routing tasks end.
    /// Requests still pending or running are let go unanswered: their `onFinish` is never called,
    /// so a host ends its own waiters first (the proxy closes its clients' connections, which
    /// cancels their requests); `totals` stay as they were, so `pending` and `running` then count
    /// the requests let go. The replicas are forgotten, and the recorder, the trace sink and the
    /// journal are dropped.
    ///
    /// Afterwards the router calls nothing of its host: no callback, journal, trace sink or
    /// replica connection. `submit` fails the request at once with `.shed` (counted nowhere),
    /// commands are refused with `shutDownRefusal`, `cancel` and `setFault` find nothing, and a
    /// second `shutdown()` does nothing. Call it on the router's scheduler.
    public func shutdown() {
        guard !isShutDown else { return }
        let pending = totals.pending, running = totals.running
        record(.info, "shut down: \(pending) pending and \(running) running requests let go")
        isShutDown = true
        // First, so that calling off probes and sends reports nothing into a recording.
        recorder = nil
        traceSink = nil
        settingsLifecycle.shutDown()
        for timer in failureLineTimers.values { timer.cancel() }
        failureLineTimers = [:]
        backgroundProbes.shutDown()
        taskPool.shutDown()
        // Requests are let go before the replicas' sends are called off: a send that reports at once
        // then changes nothing.
        queue.shutDown()
        replicaSet.shutDown()
    }

    /// Fails a request submitted after `shutdown()` at once, as shed; nil while the router runs.
    func refuseAfterShutdown(_ onFinish: (RequestResult) -> Void) -> RequestID? {
        guard isShutDown else { return nil }
        let id = queue.issueID()
        onFinish(.failed(.shed))
        return id
    }

    /// Throws when the router is shut down, for the replica commands.
    func refuseIfShutDown() throws(RouterError) {
        if isShutDown { throw RouterError(Self.shutDownRefusal) }
    }
}
