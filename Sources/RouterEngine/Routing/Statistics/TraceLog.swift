import DequeModule

/// The decision traces of the last `capacity` finished requests, oldest first (0 keeps none).
struct TraceLog {
    let capacity: Int
    private var traces = Deque<RequestTrace>()
    /// How many traces were dropped to make room.
    private(set) var evicted = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func keep(_ trace: consuming RequestTrace) {
        guard capacity > 0 else { return }
        if traces.count >= capacity {
            traces.removeFirst()
            evicted += 1
        }
        traces.append(consume trace)
    }

    /// The most recent traces, oldest first (at most `limit`).
    func recent(limit: Int = .max) -> RequestTraceLog {
        RequestTraceLog(capacity: capacity, evicted: evicted, traces: Array(traces.suffix(limit)))
    }
}
