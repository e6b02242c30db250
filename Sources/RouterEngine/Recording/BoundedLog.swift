import DequeModule

/// Entries of the last `window` of engine time, at most `capacity` of them: older ones leave by
/// age, and when it is full the oldest leaves early and is counted in `dropped`.
struct BoundedLog<Entry> {
    private(set) var entries = Deque<Entry>()
    let capacity: Int
    private(set) var dropped = 0
    private let time: (Entry) -> EngineTime

    init(capacity: Int, time: @escaping (Entry) -> EngineTime) {
        self.capacity = capacity
        self.time = time
    }

    /// Adds `entry`; returns what left to make room or by age, oldest first, for callers that fold it in.
    @discardableResult
    mutating func append(_ entry: Entry, now: EngineTime, window: Duration) -> [Entry] {
        var left: [Entry] = []
        let horizon = now - window
        while let first = entries.first, time(first) < horizon {
            left.append(entries.removeFirst())
        }
        if entries.count >= capacity, let first = entries.first {
            left.append(first)
            entries.removeFirst()
            dropped += 1
        }
        entries.append(entry)
        return left
    }

    /// Drops what is older than the window now.
    mutating func trim(now: EngineTime, window: Duration) -> [Entry] {
        var left: [Entry] = []
        let horizon = now - window
        while let first = entries.first, time(first) < horizon {
            left.append(entries.removeFirst())
        }
        return left
    }

    /// The time of the oldest entry dropped for room, if any: the window is whole only after it.
    var oldestTime: EngineTime? { entries.first.map(time) }
}

extension EngineTime {
    static func - (lhs: EngineTime, rhs: Duration) -> EngineTime { lhs + (.zero - rhs) }
}
