import DequeModule

/// An entry of a `BoundedLog`: the engine time it happened at, by which it leaves the window.
protocol TimedEntry {
    var at: EngineTime { get }
}

/// Entries of the last `window` of engine time, at most `capacity` of them: older ones leave by
/// age, and when it is full the oldest leaves early and is counted in `dropped`.
struct BoundedLog<Entry: TimedEntry> {
    private(set) var entries = Deque<Entry>()
    let capacity: Int
    private(set) var dropped = 0
    /// The window in nanoseconds, converted once: entries are added several times a request, and a
    /// window of a minute is a 128-bit division each time it is converted.
    private let windowNanoseconds: Int64

    init(capacity: Int, window: Duration) {
        self.capacity = capacity
        self.windowNanoseconds = window.nanosecondsClamped
    }

    /// Adds `entry`; what leaves to make room or by age goes to `leaving`, oldest first, for callers
    /// that fold it in. Handed over, not collected: once the log is full or a window old, every
    /// entry added makes one leave, and a list of it would be an allocation each time.
    mutating func append(_ entry: Entry, now: EngineTime, leaving: (Entry) -> Void = { _ in }) {
        trim(now: now, leaving: leaving)
        if entries.count >= capacity, let first = entries.popFirst() {
            leaving(first)
            dropped += 1
        }
        entries.append(entry)
    }

    /// Drops what is older than the window now, handing it to `leaving`, oldest first.
    mutating func trim(now: EngineTime, leaving: (Entry) -> Void = { _ in }) {
        let horizon = now.advanced(byNanoseconds: -windowNanoseconds)
        while let first = entries.first, first.at < horizon {
            leaving(entries.removeFirst())
        }
    }

    /// The time of the oldest entry kept: after dropping for room, the window is whole only from it.
    var oldestTime: EngineTime? { entries.first?.at }
}

extension EngineTime {
    static func - (lhs: EngineTime, rhs: Duration) -> EngineTime { lhs + (.zero - rhs) }
}
