import DequeModule

/// Entries of the last `window` of engine time, at most `capacity` of them: older ones leave by
/// age, and when it is full the oldest leaves early and is counted in `dropped`.
struct BoundedLog<Entry> {
    private(set) var entries = Deque<Entry>()
    let capacity: Int
    private(set) var dropped = 0
    private let time: (Entry) -> EngineTime
    /// The window in nanoseconds, converted once: entries are added several times a request, and a
    /// window of a minute is a 128-bit division each time it is converted.
    private let windowNanoseconds: Int64

    init(capacity: Int, window: Duration, time: @escaping (Entry) -> EngineTime) {
        self.capacity = capacity
        self.windowNanoseconds = window.nanosecondsClamped
        self.time = time
    }

    /// Adds `entry`; returns what left to make room or by age, oldest first, for callers that fold it in.
    @discardableResult
    mutating func append(_ entry: Entry, now: EngineTime) -> [Entry] {
        var left = trim(now: now)
        if entries.count >= capacity, let first = entries.first {
            left.append(first)
            entries.removeFirst()
            dropped += 1
        }
        entries.append(entry)
        return left
    }

    /// Drops what is older than the window now; returns it, oldest first.
    @discardableResult
    mutating func trim(now: EngineTime) -> [Entry] {
        var left: [Entry] = []
        let horizon = now.advanced(byNanoseconds: -windowNanoseconds)
        while let first = entries.first, time(first) < horizon {
            left.append(entries.removeFirst())
        }
        return left
    }

    /// The time of the oldest entry kept: after dropping for room, the window is whole only from it.
    var oldestTime: EngineTime? { entries.first.map(time) }
}

extension EngineTime {
    static func - (lhs: EngineTime, rhs: Duration) -> EngineTime { lhs + (.zero - rhs) }
}
