/// The router's side of the failure lines (`FailureEventLines`): it feeds them what failed, writes
/// the lines they give and arms the timers they ask for.
extension Router {
    /// Writes the line now when its key was quiet for a window; otherwise counts it, and a timer
    /// writes one line with the count when the window ends.
    func recordThrottled(
        _ key: String, _ kind: RouterEvent.Kind, detail: String, message: @escaping (Int, String) -> String
    ) {
        let step = failureLines.throttle(key, kind, detail: detail, at: now, message: message)
        carryOut(step, key: key) { [handle] in handle.object?.flushThrottled(key) }
    }

    private func flushThrottled(_ key: String) {
        carryOut(failureLines.flush(key, at: now), key: key) { [handle] in handle.object?.flushThrottled(key) }
    }

    /// A request was shed: the first of an episode is logged at once, the episode's total at its end.
    func noteShed() {
        let step = failureLines.shed(at: now, limit: options.maxPendingRequests)
        carryOut(step, key: Self.sheddingTimerKey) { [handle] in handle.object?.checkShedding() }
    }

    private func checkShedding() {
        carryOut(failureLines.checkShedding(at: now), key: Self.sheddingTimerKey) { [handle] in
            handle.object?.checkShedding()
        }
    }

    /// The shedding episode's timer, among the throttled keys' (none of which is empty).
    private static let sheddingTimerKey = ""

    /// Writes the step's line and arms its call-back; at most one per key waits at a time (the
    /// lines ask for another only once the last has come), kept so that a shutdown can cancel it.
    private func carryOut(_ step: FailureEventLines.Step, key: String, callBack: @escaping () -> Void) {
        if let line = step.line { record(line.kind, line.message) }
        guard let time = step.callBackAt else { return }
        failureLineTimers[key] = scheduler.schedule(at: time) { [handle] in
            // An event loop may still run a timer cancelled in the turn it fell due.
            guard let router = handle.object, !router.isShutDown else { return }
            router.failureLineTimers[key] = nil
            callBack()
        }
    }

    /// A request waited the whole routing timeout without a replica.
    func noteRoutingTimeout() {
        let timeout = options.routingTimeout.map(EventFormat.seconds) ?? "-"
        recordThrottled("routing-timeout", .warning, detail: "") { count, _ in
            "routing timeout: \(count) request\(count == 1 ? "" : "s") found no replica within \(timeout)"
        }
    }

    /// A replica failed a forwarded request (`cause`: refused, reset, died, failed before answering).
    func noteReplicaError(_ replica: ReplicaRecord, cause: String) {
        replica.errors += 1
        replica.lastErrorCause = cause
        let id = replica.id
        recordThrottled("errors:\(id)", .warning, detail: cause) { count, last in
            "\(id): \(count) upstream error\(count == 1 ? "" : "s"), last: \(last)"
        }
    }
}
