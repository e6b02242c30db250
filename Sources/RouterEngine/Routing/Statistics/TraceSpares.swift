import RouterAPI

/// The emptied arrays of traces the router let go of, lent to the next requests' traces.
///
/// Most requests make one attempt of two candidates and one send: three small arrays, each a new
/// allocation and a free every request. Requests are admitted and finish in batches (one read of a
/// connection can admit several), so the arrays of up to `traceLimit` traces are kept.
struct TraceSpares {
    /// Arrays with room for more entries than this are let go, not kept: a trace holds up to
    /// `Router.traceEntryLimit` attempts and sends, and a spare should not hold that much for good.
    static let entryLimit = 8
    /// The most traces whose arrays are kept; a trace let go beyond it frees its arrays.
    static let traceLimit = 16
    private var attempts: [[TraceAttempt]]
    private var candidates: [[TraceCandidate]]
    private var sends: [[TraceSend]]

    init() {
        attempts = []
        attempts.reserveCapacity(Self.traceLimit)
        candidates = []
        candidates.reserveCapacity(Self.traceLimit)
        sends = []
        sends.reserveCapacity(Self.traceLimit)
    }

    /// Takes the storage of the trace's arrays (its first attempt's candidates, its attempts and
    /// its sends), emptied. In place (`inout`): a trace passed by value would be a second holder of
    /// its arrays, and emptying them would copy them first.
    mutating func keep(from trace: inout RequestTrace) {
        if !trace.attempts.isEmpty {
            Self.keep(&trace.attempts[0].candidates, in: &candidates)
        }
        Self.keep(&trace.attempts, in: &attempts)
        Self.keep(&trace.sends, in: &sends)
    }

    /// Gives a new trace kept arrays for its attempts and sends (it keeps its own, with no storage,
    /// when none are kept).
    mutating func lend(to trace: inout RequestTrace) {
        if let kept = attempts.popLast() { trace.attempts = kept }
        if let kept = sends.popLast() { trace.sends = kept }
    }

    /// A kept array for an attempt's candidates (one without storage when none is kept).
    mutating func takeCandidates() -> [TraceCandidate] {
        candidates.popLast() ?? []
    }

    private static func keep<Entry>(_ entries: inout [Entry], in spares: inout [[Entry]]) {
        guard spares.count < traceLimit, entries.capacity > 0, entries.capacity <= entryLimit else { return }
        // Emptied by `popLast`: the generic `removeAll(keepingCapacity:)` path costs more.
        while entries.popLast() != nil {}
        var taken: [Entry] = []
        swap(&taken, &entries)
        spares.append(taken)
    }
}
