import Synchronization

/// The front door's limits and counters that every client loop shares: open connections and
/// reserved body bytes (so each limit holds exactly across loops) and what was refused or closed
/// at the limits. Read from any thread, for the snapshot.
final class SharedDoorCounters: Sendable {
    let maxConnections: Int
    let bodyBudget: Int
    private let connections = Atomic<Int>(0)
    private let bodyBytes = Atomic<Int>(0)
    let refusedConnections = Atomic<Int>(0)
    /// Counted by the accepting thread (`ClientAcceptor`).
    let acceptPauses = Atomic<Int>(0)
    let headerTimeouts = Atomic<Int>(0)
    let idleTimeouts = Atomic<Int>(0)
    let malformedRequests = Atomic<Int>(0)
    let connectRefusals = Atomic<Int>(0)
    let bodyBudgetRefusals = Atomic<Int>(0)

    init(maxConnections: Int, bodyBudget: Int) {
        self.maxConnections = maxConnections
        self.bodyBudget = bodyBudget
    }

    /// Client connections open now (taken at accept, given back when the connection closed).
    var openConnections: Int { connections.load(ordering: .relaxed) }
    var bodyBytesReserved: Int { bodyBytes.load(ordering: .relaxed) }

    /// Takes a place for a connection just accepted; false (counted) at the limit.
    func takeConnection() -> Bool {
        if take(maxConnections, 1, from: connections) { return true }
        refusedConnections.add(1, ordering: .relaxed)
        return false
    }

    func giveBackConnection() {
        connections.subtract(1, ordering: .relaxed)
    }

    /// Reserves body bytes; false (counted) when the budget cannot take them.
    func reserveBody(_ bytes: Int) -> Bool {
        if take(bodyBudget, bytes, from: bodyBytes) { return true }
        bodyBudgetRefusals.add(1, ordering: .relaxed)
        return false
    }

    func releaseBody(_ bytes: Int) {
        bodyBytes.subtract(bytes, ordering: .relaxed)
    }

    /// Adds `amount` unless that would pass `limit`: a compare-and-swap, so two loops never both
    /// take the last place.
    private func take(_ limit: Int, _ amount: Int, from counter: borrowing Atomic<Int>) -> Bool {
        var current = counter.load(ordering: .relaxed)
        while current + amount <= limit {
            let (exchanged, original) = counter.compareExchange(expected: current, desired: current + amount,
                                                                ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }
}
