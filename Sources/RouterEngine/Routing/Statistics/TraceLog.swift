/// The decision traces of the last `capacity` finished requests, oldest first (0 keeps none).
///
/// A ring over an array rather than a `Deque`: `Deque.append` borrows its element and so copies a
/// trace in (retaining each of its dozen references) and leaves the caller's to be destroyed,
/// while an array's slot takes the trace by move.
struct TraceLog {
    let capacity: Int
    /// Grows to `capacity`; once full, `oldest` is where the next trace goes.
    private var traces: [RequestTrace] = []
    private var oldest = 0
    /// How many traces were dropped to make room.
    private(set) var evicted = 0
    /// The storage of traces dropped (or, with capacity 0, not kept at all), for the next ones.
    private var spares = TraceSpares()

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func keep(_ trace: consuming RequestTrace) {
        guard capacity > 0 else {
            var dropped = consume trace
            spares.keep(from: &dropped)
            return
        }
        guard traces.count == capacity else {
            traces.append(consume trace)
            return
        }
        var dropped = consume trace
        swap(&traces[oldest], &dropped)
        spares.keep(from: &dropped)
        oldest = oldest + 1 == capacity ? 0 : oldest + 1
        evicted += 1
    }

    /// A new request's trace, in the storage of one dropped (`TraceSpares.lend`).
    mutating func newTrace(request: UInt64, admittedMs: Double, admittedUTC: UTCTime) -> RequestTrace {
        var trace = RequestTrace(request: request, admittedMs: admittedMs, admittedUTC: admittedUTC)
        spares.lend(to: &trace)
        return trace
    }

    /// The storage of a dropped trace's candidates, for an attempt's (`TraceSpares.takeCandidates`).
    mutating func takeSpareCandidates() -> [TraceCandidate] {
        spares.takeCandidates()
    }

    /// The most recent traces, oldest first (at most `limit`).
    func recent(limit: Int = .max) -> RequestTraceLog {
        let count = min(max(limit, 0), traces.count)
        var ordered: [RequestTrace] = []
        ordered.reserveCapacity(count)
        for age in (traces.count - count)..<traces.count {
            ordered.append(traces[(oldest + age) % traces.count])
        }
        return RequestTraceLog(capacity: capacity, evicted: evicted, traces: ordered)
    }
}
