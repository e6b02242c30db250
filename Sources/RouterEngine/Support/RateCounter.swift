/// Counts events per whole second of engine time, keeping a short history.
struct RateCounter {
    private var buckets: [Int]
    private var currentSecond: Int64 = 0
    private var firstSecond: Int64?
    private var head = 0

    init(seconds: Int = 31) {
        buckets = Array(repeating: 0, count: max(seconds, 2))
    }

    mutating func record(at time: EngineTime, count: Int = 1) {
        roll(to: time)
        if firstSecond == nil { firstSecond = currentSecond }
        buckets[head] += count
    }

    /// The count of the last complete second.
    mutating func lastSecond(at time: EngineTime) -> Double {
        roll(to: time)
        return Double(buckets[(head + buckets.count - 1) % buckets.count])
    }

    /// The mean per second over the last `seconds` complete seconds (fewer when counting began
    /// more recently).
    mutating func average(over seconds: Int, at time: EngineTime) -> Double {
        roll(to: time)
        let counted = firstSecond.map { Int(currentSecond - $0) } ?? 0
        let window = min(seconds, buckets.count - 1, counted)
        guard window > 0 else { return 0 }
        var sum = 0
        for back in 1...window { sum += buckets[(head + buckets.count - back) % buckets.count] }
        return Double(sum) / Double(window)
    }

    /// The count over the last `seconds` complete seconds and the current one.
    mutating func total(overLast seconds: Int, at time: EngineTime) -> Int {
        roll(to: time)
        let window = min(seconds, buckets.count - 1)
        var sum = buckets[head]
        for back in stride(from: 1, through: window, by: 1) { sum += buckets[(head + buckets.count - back) % buckets.count] }
        return sum
    }

    /// Counts of the complete seconds kept, oldest first.
    mutating func history(at time: EngineTime) -> [Double] {
        roll(to: time)
        return (1..<buckets.count).reversed().map { Double(buckets[(head + buckets.count - $0) % buckets.count]) }
    }

    private mutating func roll(to time: EngineTime) {
        let second = time.nanoseconds / 1_000_000_000
        guard second > currentSecond else { return }
        let steps = min(Int(second - currentSecond), buckets.count)
        for _ in 0..<steps {
            head = (head + 1) % buckets.count
            buckets[head] = 0
        }
        currentSecond = second
    }
}
