/// The most recent router events, bounded so a long run cannot grow it.
struct EventLog {
    private(set) var events: [RouterEvent] = []
    private var start = 0
    /// The sequence number the next event gets; API clients ask for events after one they saw.
    private var nextSequence: UInt64 = 1
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    mutating func append(_ event: RouterEvent) {
        var event = event
        event.sequence = nextSequence
        nextSequence += 1
        if events.count < capacity {
            events.append(event)
        } else {
            events[start] = event
            start = (start + 1) % capacity
        }
    }

    /// The last `limit` events, oldest first.
    func recent(_ limit: Int) -> [RouterEvent] {
        let ordered = start == 0 ? events : Array(events[start...] + events[..<start])
        return Array(ordered.suffix(limit))
    }
}
