import RouterAPI
import Synchronization

/// Command results, delivered on the router's thread and read on the UI thread at the next frame.
final class CommandInbox: Sendable {
    struct Delivery: Sendable {
        var what: String
        var result: CommandResult
    }

    private let deliveries = Mutex<[Delivery]>([])

    func deliver(_ result: CommandResult, for what: String) {
        deliveries.withLock { $0.append(Delivery(what: what, result: result)) }
    }

    /// Everything delivered since the last call, oldest first.
    func drain() -> [Delivery] {
        deliveries.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }
}
