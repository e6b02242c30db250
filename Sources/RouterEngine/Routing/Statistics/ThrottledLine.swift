/// An event line that may happen many times a second, folded into one line per window with a count.
struct ThrottledLine {
    var kind: RouterEvent.Kind
    /// Occurrences since the last line written, and the detail of the latest.
    var count = 0
    var lastDetail = ""
    /// No line before then; occurrences meanwhile wait for the flush.
    var quietUntil: EngineTime
    /// Whether the owner was told to flush the line at `quietUntil` and has not yet.
    var flushPending = false
    /// Makes the line from the count and the latest detail.
    var message: (Int, String) -> String
}

/// Requests shed while the pending queue stays full; it ends after a second without a shed.
struct SheddingEpisode {
    var startedAt: EngineTime
    var shed = 0
    var lastShedAt: EngineTime
}
