/// A discrete-event scheduler on virtual time: time moves only when the next timer fires.
///
/// Timers due at the same moment fire in the order they were scheduled, so a run is
/// deterministic.
public final class VirtualScheduler: EngineScheduler {
    public private(set) var now: EngineTime
    /// The wall-clock moment of engine time zero: the Unix epoch for a scenario (so its output is
    /// the same on every run), the moment it started for a live simulated fleet.
    public var wallClockOrigin: UTCTime = .epoch
    private var queue = TimerHeap()
    private var sequence: UInt64 = 0

    public init(start: EngineTime = .zero) {
        self.now = start
    }

    @discardableResult
    public func schedule(at deadline: EngineTime, _ action: @escaping () -> Void) -> any Cancellable {
        let timer = VirtualTimer(action: action)
        sequence &+= 1
        queue.push(.init(deadline: Swift.max(deadline, now), sequence: sequence, timer: timer))
        return timer
    }

    /// Fires every timer due up to and including `end`, then leaves the clock at `end`.
    public func run(until end: EngineTime) {
        while step(limit: end) {}
        if end > now { now = end }
    }

    /// Advances the clock by `duration`, firing every timer due on the way.
    public func advance(by duration: Duration) {
        run(until: now + duration)
    }

    /// Cancels every timer not yet fired. A pending timer's action often holds its owner (a
    /// replica record holds its recovery timer, whose action holds the record), so a finished run
    /// calls this to break those cycles and let the router and its fleet be freed.
    public func cancelAll() {
        while let entry = queue.pop() { entry.timer.cancel() }
    }

    /// How many timers wait to fire, those cancelled left out: a router that shut down leaves none.
    package var pendingTimerCount: Int { queue.pendingCount }

    /// Fires the next live timer, unless it is due after `limit`; returns whether one fired.
    @discardableResult
    public func step(limit: EngineTime = EngineTime(nanoseconds: .max)) -> Bool {
        while let next = queue.peek, next.deadline <= limit {
            queue.pop()
            guard let action = next.timer.take() else { continue }
            now = next.deadline
            action()
            return true
        }
        return false
    }
}

private final class VirtualTimer: Cancellable {
    private var action: (() -> Void)?

    init(action: @escaping () -> Void) {
        self.action = action
    }

    func cancel() { action = nil }

    var isPending: Bool { action != nil }

    func take() -> (() -> Void)? {
        defer { action = nil }
        return action
    }
}

/// A binary min-heap ordered by deadline, then by scheduling order.
private struct TimerHeap {
    struct Entry {
        var deadline: EngineTime
        var sequence: UInt64
        var timer: VirtualTimer

        func precedes(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : sequence < other.sequence
        }
    }

    private var entries: [Entry] = []

    var peek: Entry? { entries.first }

    /// Entries whose timer has not been cancelled (cancelled ones leave only when they come up).
    var pendingCount: Int { entries.reduce(0) { $1.timer.isPending ? $0 + 1 : $0 } }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func pop() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let top = entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < entries.count, entries[left].precedes(entries[first]) { first = left }
            if right < entries.count, entries[right].precedes(entries[first]) { first = right }
            if first == parent { break }
            entries.swapAt(parent, first)
            parent = first
        }
        return top
    }
}
