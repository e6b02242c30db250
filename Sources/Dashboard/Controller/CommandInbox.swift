import RouterAPI
import Synchronization

/// Command results, delivered on the router's thread and read on the UI thread at the next frame.
final class CommandInbox: Sendable {
    struct Delivery: Sendable {
        /// The command sent, which decides what its result means (nil for the screen's own work, such as
        /// writing a file); `what` only names it for people.
        var command: RouterCommand?
        var what: String
        var result: CommandResult
    }

    private let deliveries = Mutex<[Delivery]>([])

    func deliver(_ result: CommandResult, for command: RouterCommand?, what: String) {
        deliveries.withLock { $0.append(Delivery(command: command, what: what, result: result)) }
    }

    /// Everything delivered since the last call, oldest first.
    func drain() -> [Delivery] {
        deliveries.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }
}
