import Synchronization

/// Which event loop takes each client connection, and how many each holds now.
///
/// The router's loop (index 0) also routes every request of every loop, so it takes fewer clients:
/// each of its connections weighs `routerLoopWeight`, another loop's weighs 1, and a new connection
/// goes to the loop whose weighted count would be lowest (the lower index on a tie). With two loops
/// the router's loop holds a quarter of the connections.
final class LoopConnections: Sendable {
    /// Measured on two loops (see the README's event-loop section): with round robin the router's
    /// loop spent 46 µs of CPU per request and the other 24 µs; with a quarter of the clients on the
    /// router's loop, 39 µs and 32 µs.
    static let routerLoopWeight = 3

    private let open: [OpenCount]

    init(loops: Int) {
        precondition(loops > 0, "a proxy has at least one loop")
        open = (0..<loops).map { _ in OpenCount() }
    }

    /// Picks the loop for a connection just accepted and counts it there. Called by one thread only
    /// (the acceptor's), so the pick and the count cannot interleave with another pick.
    func take() -> Int {
        let loop = Self.pick(open: openPerLoop)
        open[loop].value.add(1, ordering: .relaxed)
        return loop
    }

    /// The connection `take` gave `loop` has closed (from any thread).
    func giveBack(_ loop: Int) {
        open[loop].value.subtract(1, ordering: .relaxed)
    }

    /// Connections each loop holds now, the router's loop first.
    var openPerLoop: [Int] { open.map { $0.value.load(ordering: .relaxed) } }

    /// The loop whose weighted count would be lowest with one more connection.
    static func pick(open: [Int]) -> Int {
        var best = 0
        var bestScore = Int.max
        for (loop, count) in open.enumerated() {
            let score = (count + 1) * (loop == 0 ? routerLoopWeight : 1)
            if score < bestScore {
                best = loop
                bestScore = score
            }
        }
        return best
    }
}

/// One loop's count; a class because an atomic cannot be copied into an array.
private final class OpenCount: Sendable {
    let value = Atomic<Int>(0)
}
