/// The event-log lines for failures, bounded so that a storm of failures writes a few lines with
/// counts, not thousands: one line per key per window, and shedding as an episode logged when it
/// starts and when it stops. Owns no timer: each step says which line to write now and when its
/// owner must call back.
struct FailureEventLines {
    /// How long one throttled line stands for: one line per key per window.
    static let throttleWindow: Duration = .seconds(5)
    /// A shedding episode ends after this long without a shed.
    static let sheddingQuiet: Duration = .seconds(1)

    /// What the owner does after a step: write `line` now, and call back at `callBackAt`.
    struct Step: Equatable {
        var line: Line?
        var callBackAt: EngineTime?

        static let nothing = Step()
    }

    /// An event-log line to write.
    struct Line: Equatable {
        var kind: RouterEvent.Kind
        var message: String
    }

    /// Lines folded per key (see `throttle`).
    private var lines: [String: ThrottledLine] = [:]
    /// The shedding going on now, if any.
    private(set) var shedding: SheddingEpisode?

    /// The line is written now when its key was quiet for a window; otherwise it is counted, and
    /// the owner calls `flush(key)` when the window ends to write one line with the count.
    mutating func throttle(
        _ key: String, _ kind: RouterEvent.Kind, detail: String, at now: EngineTime,
        message: @escaping (Int, String) -> String
    ) -> Step {
        var line = lines[key] ?? ThrottledLine(kind: kind, quietUntil: now, message: message)
        line.count += 1
        line.lastDetail = detail
        var step = Step.nothing
        if now >= line.quietUntil, !line.flushPending {
            step.line = Line(kind: kind, message: message(line.count, detail))
            line.count = 0
            line.quietUntil = now + Self.throttleWindow
        } else if !line.flushPending {
            line.flushPending = true
            step.callBackAt = line.quietUntil
        }
        lines[key] = line
        return step
    }

    /// The window of `key` ended: its count, if any, becomes one line.
    mutating func flush(_ key: String, at now: EngineTime) -> Step {
        guard var line = lines[key] else { return .nothing }
        line.flushPending = false
        guard line.count > 0 else {
            lines[key] = nil
            return .nothing
        }
        let written = Line(kind: line.kind, message: line.message(line.count, line.lastDetail))
        line.count = 0
        line.quietUntil = now + Self.throttleWindow
        lines[key] = line
        return Step(line: written)
    }

    /// A request was shed: the first of an episode is a line at once, and the owner calls
    /// `checkShedding` when the episode may have ended.
    mutating func shed(at now: EngineTime, limit: Int) -> Step {
        if var episode = shedding {
            episode.shed += 1
            episode.lastShedAt = now
            shedding = episode
            return .nothing
        }
        shedding = SheddingEpisode(startedAt: now, shed: 1, lastShedAt: now)
        return Step(line: Line(kind: .warning, message: "shedding: \(limit) requests pending (the limit); new requests fail at once"),
                    callBackAt: now + Self.sheddingQuiet)
    }

    /// Ends the episode with its total once a quiet second passed; otherwise asks to be called again.
    mutating func checkShedding(at now: EngineTime) -> Step {
        guard let episode = shedding else { return .nothing }
        let quietAt = episode.lastShedAt + Self.sheddingQuiet
        guard now >= quietAt else { return Step(callBackAt: quietAt) }
        shedding = nil
        let lasted = EventFormat.seconds(episode.lastShedAt - episode.startedAt)
        return Step(line: Line(kind: .info, message: "shedding stopped: \(episode.shed) requests shed over \(lasted)"))
    }
}

/// Durations for event-log lines, to a tenth of a second.
enum EventFormat {
    static func seconds(_ duration: Duration) -> String {
        let tenths = (duration.components.seconds * 10) + duration.components.attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)s"
    }
}
