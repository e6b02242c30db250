import RouterEngine

/// Searches the backoff settings within bounds for the lowest predicted fulfilment p99 with no
/// more routing timeouts than the live settings, by replaying the recording under each candidate.
///
/// A coarse grid first, then a finer one around the best; it stops early, with what it has, when
/// its time budget is spent. Nothing is applied.
public enum BackoffSuggester {
    /// The search ends by then: it starts no replays it expects to finish later (a batch is
    /// expected to take as long as the one before).
    public static let budget: Duration = .milliseconds(9500)
    /// Values tried per setting on the coarse grid.
    static let coarseSteps = 4

    /// The best three candidates; `progress` is told (replays done, replays planned) as it goes.
    public static func suggest(
        _ plan: ReplayPlan, live: RouterSettings, bounds: SuggestBounds,
        progress: (Int, Int) -> Void = { _, _ in }
    ) -> SuggestReply {
        let started = ContinuousClock.now
        let deadline = started + budget
        var evaluated: [(RouterSettings, WhatIfFigures)] = []
        let liveFigures = ReplayBatch.run(plan, settings: [live])[0]
        // One replay's time: a batch of two on two cores takes about as long.
        var batchTime = ContinuousClock.now - started
        // In a fixed shuffled order, so a search its budget cuts short has still tried all over the grid.
        var order = SeededRandom(seed: 23)
        let coarse = grid(bounds: bounds, around: nil, base: live).shuffled(using: &order)
        var planned = 1 + coarse.count + 27
        progress(1, planned)
        evaluate(coarse, plan: plan, until: deadline, batchTime: &batchTime, into: &evaluated) { progress(1 + $0, planned) }
        if let best = ranked(evaluated, live: liveFigures).first {
            let fine = grid(bounds: bounds, around: best.0, base: live)
                .filter { candidate in !evaluated.contains { $0.0 == candidate } }
            planned = 1 + evaluated.count + fine.count
            let done = 1 + evaluated.count
            evaluate(fine, plan: plan, until: deadline, batchTime: &batchTime, into: &evaluated) { progress(done + $0, planned) }
        }
        let best = ranked(evaluated, live: liveFigures).prefix(3)
        return SuggestReply(
            bounds: bounds, live: liveFigures,
            suggestions: best.map { SuggestReply.Suggestion(settings: $0.0, figures: $0.1) },
            evaluated: 1 + evaluated.count,
            elapsedMs: (ContinuousClock.now - started).millisecondsValue
        )
    }

    /// Lowest p99 first (then fewer failed attempts), none with more routing timeouts than live.
    static func ranked(_ evaluated: [(RouterSettings, WhatIfFigures)], live: WhatIfFigures) -> [(RouterSettings, WhatIfFigures)] {
        evaluated.filter { $0.1.routingTimeouts <= live.routingTimeouts }.sorted { a, b in
            if a.1.fulfillmentP99Ms != b.1.fulfillmentP99Ms { return a.1.fulfillmentP99Ms < b.1.fulfillmentP99Ms }
            if a.1.failedAttempts != b.1.failedAttempts { return a.1.failedAttempts < b.1.failedAttempts }
            return a.1.backoffSleeps < b.1.backoffSleeps
        }
    }

    private static func evaluate(
        _ candidates: [RouterSettings], plan: ReplayPlan, until deadline: ContinuousClock.Instant,
        batchTime lastBatch: inout Duration, into evaluated: inout [(RouterSettings, WhatIfFigures)], progress: (Int) -> Void
    ) {
        // Two at a time: one per core, and the budget is checked between pairs.
        var index = 0
        while index < candidates.count, ContinuousClock.now + lastBatch < deadline {
            let batch = Array(candidates[index..<min(index + 2, candidates.count)])
            let started = ContinuousClock.now
            for (settings, figures) in zip(batch, ReplayBatch.run(plan, settings: batch)) {
                evaluated.append((settings, figures))
            }
            lastBatch = ContinuousClock.now - started
            index += batch.count
            progress(index)
        }
    }

    /// The candidate settings: the live ones with the three backoff settings on a grid over the
    /// bounds, or on a finer grid around `center`; only valid ones.
    static func grid(bounds: SuggestBounds, around center: RouterSettings?, base: RouterSettings) -> [RouterSettings] {
        func values(_ range: ClosedRange<Double>, center value: Double?) -> [Double] {
            let span = range.upperBound - range.lowerBound
            guard span > 0 else { return [range.lowerBound] }
            if let value {
                let step = span / Double(coarseSteps - 1) / 2
                return [value - step, value, value + step].map { min(max($0, range.lowerBound), range.upperBound) }
            }
            return (0..<coarseSteps).map { range.lowerBound + span * Double($0) / Double(coarseSteps - 1) }
        }
        var candidates: [RouterSettings] = []
        for initial in values(bounds.initialBackoff, center: center?.initialBackoff) {
            for multiplier in values(bounds.backoffMultiplier, center: center?.backoffMultiplier) {
                for maximum in values(bounds.maxBackoff, center: center?.maxBackoff) {
                    var settings = base
                    settings.initialBackoff = rounded(initial)
                    settings.backoffMultiplier = rounded(multiplier)
                    settings.maxBackoff = rounded(maximum)
                    guard (try? SettingsValidator.validate(settings)) != nil, !candidates.contains(settings) else { continue }
                    candidates.append(settings)
                }
            }
        }
        return candidates
    }

    /// Settings an operator would type: four significant digits at most.
    private static func rounded(_ value: Double) -> Double {
        guard value != 0 else { return 0 }
        let scale = pow10(3 - Int(log10Floor(abs(value))))
        return (value * scale).rounded() / scale
    }

    private static func log10Floor(_ value: Double) -> Double {
        var exponent = 0.0
        var v = value
        while v >= 10 { v /= 10; exponent += 1 }
        while v < 1 { v *= 10; exponent -= 1 }
        return exponent
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        if exponent >= 0 { for _ in 0..<exponent { result *= 10 } } else { for _ in 0..<(-exponent) { result /= 10 } }
        return result
    }
}
