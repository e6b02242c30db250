/// The event-log lines for failures: shedding started and stopped, routing timeouts and replica
/// errors, each bounded so that a storm of failures writes a few lines with counts, not thousands.
extension Router {
    /// How long one throttled line stands for: one line per key per window.
    static let throttleWindow: Duration = .seconds(5)
    /// A shedding episode ends after this long without a shed.
    static let sheddingQuiet: Duration = .seconds(1)

    /// Writes the line now when its key was quiet for a window; otherwise counts it, and a timer
    /// writes one line with the count when the window ends.
    func recordThrottled(
        _ key: String, _ kind: RouterEvent.Kind, detail: String, message: @escaping (Int, String) -> String
    ) {
        var line = throttledLines[key] ?? ThrottledLine(kind: kind, quietUntil: now, message: message)
        line.count += 1
        line.lastDetail = detail
        if now >= line.quietUntil, line.timer == nil {
            record(kind, message(line.count, detail))
            line.count = 0
            line.quietUntil = now + Self.throttleWindow
        } else if line.timer == nil {
            line.timer = scheduler.schedule(at: line.quietUntil) { [weak self] in self?.flushThrottled(key) }
        }
        throttledLines[key] = line
    }

    private func flushThrottled(_ key: String) {
        guard var line = throttledLines[key] else { return }
        line.timer = nil
        if line.count > 0 {
            record(line.kind, line.message(line.count, line.lastDetail))
            line.count = 0
            line.quietUntil = now + Self.throttleWindow
            throttledLines[key] = line
        } else {
            throttledLines[key] = nil
        }
    }

    /// A request was shed: the first of an episode is logged at once, the episode's total at its end.
    func noteShed() {
        if var episode = shedding {
            episode.shed += 1
            episode.lastShedAt = now
            shedding = episode
            return
        }
        record(.warning, "shedding: \(options.maxPendingRequests) requests pending (the limit); new requests fail at once")
        shedding = SheddingEpisode(startedAt: now, shed: 1, lastShedAt: now)
        armSheddingCheck(at: now + Self.sheddingQuiet)
    }

    private func armSheddingCheck(at time: EngineTime) {
        shedding?.timer = scheduler.schedule(at: time) { [weak self] in self?.checkShedding() }
    }

    private func checkShedding() {
        guard let episode = shedding else { return }
        let quietAt = episode.lastShedAt + Self.sheddingQuiet
        guard now >= quietAt else {
            armSheddingCheck(at: quietAt)
            return
        }
        shedding = nil
        let lasted = EventFormat.seconds(episode.lastShedAt - episode.startedAt)
        record(.info, "shedding stopped: \(episode.shed) requests shed over \(lasted)")
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

/// Durations for event-log lines, to a tenth of a second.
enum EventFormat {
    static func seconds(_ duration: Duration) -> String {
        let tenths = (duration.components.seconds * 10) + duration.components.attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)s"
    }
}
