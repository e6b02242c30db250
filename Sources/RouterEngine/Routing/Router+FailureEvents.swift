/// The router's side of the failure lines (`FailureEventLines`): it feeds them what failed, writes
/// the lines they give and arms the timers they ask for.
extension Router {
    /// Writes the line now when its key was quiet for a window; otherwise counts it, and a timer
    /// writes one line with the count when the window ends.
    func recordThrottled(
        _ key: String, _ kind: RouterEvent.Kind, detail: String, message: @escaping (Int, String) -> String
    ) {
        let step = statistics.failureLines.throttle(key, kind, detail: detail, at: now, message: message)
        carryOut(step) { [weak self] in self?.flushThrottled(key) }
    }

    private func flushThrottled(_ key: String) {
        carryOut(statistics.failureLines.flush(key, at: now)) { [weak self] in self?.flushThrottled(key) }
    }

    /// A request was shed: the first of an episode is logged at once, the episode's total at its end.
    func noteShed() {
        carryOut(statistics.failureLines.shed(at: now, limit: options.maxPendingRequests)) { [weak self] in
            self?.checkShedding()
        }
    }

    private func checkShedding() {
        carryOut(statistics.failureLines.checkShedding(at: now)) { [weak self] in self?.checkShedding() }
    }

    private func carryOut(_ step: FailureEventLines.Step, callBack: @escaping () -> Void) {
        if let line = step.line { record(line.kind, line.message) }
        if let time = step.callBackAt { _ = scheduler.schedule(at: time, callBack) }
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
