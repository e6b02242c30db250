import RouterAPI

/// One request's trace as lines of text: who it was, where it stood in the queue, why it waited,
/// every attempt and send, and how it ended. The trace view shows these and scrolls them.
enum TraceText {
    static func lines(_ trace: RequestTrace) -> [String] {
        var lines: [String] = []
        var title = "req-\(trace.request)"
        if let external = trace.externalID { title += "  client id \(external)" }
        if let model = trace.model { title += "  model \(model)" }
        lines.append(title)
        var admitted = "admitted \(trace.admittedUTC.description) (at \(at(trace.admittedMs)))"
        if let ahead = trace.queueAhead { admitted += ", \(requests(ahead)) ahead in the queue" }
        if let cap = trace.taskCap { admitted += ", task cap \(cap)" }
        lines.append(admitted)
        lines.append(firstWaitLine(trace))
        if let omitted = trace.attemptsOmitted { lines.append("(\(omitted) earlier attempts not kept)") }
        for attempt in trace.attempts { lines += attemptLines(attempt) }
        if let omitted = trace.sendsOmitted { lines.append("(\(omitted) earlier sends not kept)") }
        for send in trace.sends { lines.append(sendLine(send)) }
        if let outcome = trace.outcome {
            var end = "outcome \(outcome)"
            if let replica = trace.replica { end += " by \(replica)" }
            if let finished = trace.finishedMs { end += " at \(at(finished)), \(ms(finished - trace.admittedMs)) after admission" }
            lines.append(end)
        } else {
            lines.append("still in the router")
        }
        return lines
    }

    /// Why the first attempt began when it did, with the figures of that moment.
    static func firstWaitLine(_ trace: RequestTrace) -> String {
        guard let wait = trace.firstWait else {
            return trace.attempts.isEmpty && trace.attemptsOmitted == nil
                ? "no routing attempt was made for it" : "first attempt began at admission"
        }
        let waited = wait.waitedMs.map { "first attempt waited \(ms($0))" } ?? "no attempt began"
        let why = switch wait.reason {
        case .queueAhead:
            "\(requests(wait.waitingAhead)) ahead had no routing task either (tasks go to the oldest first); "
                + "\(wait.tasks) of \(wait.taskCap) tasks busy"
        case .taskCap:
            "next in line, but all \(wait.tasks) routing tasks the cap allows (\(wait.taskCap)) were busy"
        case .noRoutableReplica:
            "no routable replica (\(wait.routableReplicas)), so no routing task ran"
        }
        return "\(waited): \(wait.reason.rawValue.replacingUnderscores): \(why)"
    }

    static func attemptLines(_ attempt: TraceAttempt) -> [String] {
        var head = "attempt \(attempt.number)  task-\(attempt.task)  tier \(attempt.tier.rawValue)  at \(at(attempt.startedMs))"
        if let ahead = attempt.queueAhead { head += "  \(ahead) ahead" }
        if let cap = attempt.taskCap { head += "  cap \(cap)" }
        var lines = [head]
        for candidate in attempt.candidates {
            var text = "    \(candidate.replica)"
            if let length = candidate.cacheLength {
                text += " cache \(length)/\(candidate.maxOngoingRequests)"
                if let age = candidate.cacheAgeMs { text += " age \(ms(age))" }
            } else if let local = candidate.localLength {
                text += " own count \(local)/\(candidate.maxOngoingRequests)"
            } else {
                text += " no cache entry (max \(candidate.maxOngoingRequests))"
            }
            if let probe = candidate.probe {
                text += " probe " + (probe.outcome ?? "out")
                if let length = probe.length { text += " \(length)" }
                if let trip = probe.roundTripMs { text += " in \(ms(trip))" }
            }
            lines.append(text)
        }
        var result = "    -> " + (attempt.choice.map { "chose \($0)" } ?? "found none")
        if let handed = attempt.handedTo { result += ", handed to older req-\(handed)" }
        if let wait = attempt.waitMs { result += ", then backoff \(ms(wait))" }
        lines.append(result)
        return lines
    }

    static func sendLine(_ send: TraceSend) -> String {
        var text = "send to \(send.replica) at \(at(send.atMs))"
        if let found = send.foundFor { text += " (found for req-\(found))" }
        text += ": " + (send.outcome ?? "running")
        if let ended = send.endedMs { text += " at \(at(ended))" }
        if let requeue = send.requeue { text += ", back to the queue (\(requeue))" }
        return text
    }

    /// A duration, in the unit that keeps it short.
    private static func ms(_ value: Double) -> String { Format.seconds(value / 1000) }

    /// A point on the router's timeline to the microsecond the trace keeps (`t+4721.543ms`), so
    /// attempts in one millisecond still read apart.
    private static func at(_ value: Double) -> String {
        var text = Format.decimal(value, places: 3)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return "t+\(text)ms"
    }

    private static func requests(_ count: Int) -> String { count == 1 ? "1 request" : "\(count) requests" }
}

private extension String {
    var replacingUnderscores: String { split(separator: "_").joined(separator: " ") }
}
