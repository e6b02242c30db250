import Histogram

/// Latency percentiles over a recent window: two histograms, the current one and the one before,
/// swapped every `period`, so figures follow changes within one or two periods.
struct LatencyWindow {
    private var current: Histogram<UInt64>
    private var previous: Histogram<UInt64>
    private var periodStart: EngineTime = .zero
    /// The period in nanoseconds. Every record checks whether it has passed: compared as integers,
    /// where a difference of two times compared with a `Duration` (128-bit attoseconds) cost about
    /// 45 instructions, twice a request.
    private let periodNanoseconds: Int64
    private var cached: (time: EngineTime, summary: LatencySummary)?

    init(period: Duration = .seconds(10), significantDigits: SignificantDigits = .two) {
        periodNanoseconds = period.nanosecondsClamped
        current = Histogram(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: significantDigits)
        previous = current
    }

    mutating func record(_ latency: Duration, at time: EngineTime) {
        rotate(at: time)
        let micros = max(latency.nanosecondsClamped / 1000, 0)
        _ = current.record(UInt64(min(micros, 3_600_000_000)))
    }

    /// The summary over the window, recomputed at most once per `refresh` of engine time.
    mutating func summary(at time: EngineTime, refresh: Duration = .milliseconds(500)) -> LatencySummary {
        rotate(at: time)
        if let cached, time - cached.time < refresh, time >= cached.time { return cached.summary }
        // Most replicas of a large set serve nothing in a window: merging two empty histograms
        // (thousands of buckets each) for every one of them, twice a second, was most of an idle
        // router's work.
        if previous.totalCount == 0, current.totalCount == 0 {
            cached = (time, LatencySummary())
            return LatencySummary()
        }
        var merged = previous
        merged.add(current)
        let summary = LatencySummary(histogram: merged)
        cached = (time, summary)
        return summary
    }

    private mutating func rotate(at time: EngineTime) {
        let elapsed = time.nanoseconds &- periodStart.nanoseconds
        guard elapsed >= periodNanoseconds else { return }
        if elapsed - periodNanoseconds >= periodNanoseconds {
            previous.reset()
        } else {
            previous = current
        }
        current.reset()
        periodStart = time
        cached = nil
    }
}

extension LatencySummary {
    /// Percentiles of a histogram recorded in microseconds.
    init(histogram: Histogram<UInt64>) {
        let count = Int(histogram.totalCount)
        guard count > 0 else {
            self.init()
            return
        }
        func at(_ percentile: Double) -> Duration { .microseconds(Int64(histogram.valueAtPercentile(percentile))) }
        self.init(count: count, p50: at(50), p90: at(90), p99: at(99), max: .microseconds(Int64(histogram.max)))
    }
}
