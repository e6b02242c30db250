import RouterAPI
import Synchronization

/// The router's kept traces, delivered on any thread and read on the UI thread: for the id looked
/// up, and for the replica whose detail lists its recent requests.
final class TraceInbox: Sendable {
    enum Purpose: Equatable, Sendable {
        case lookup(String)
        case recent(ReplicaID)
    }

    private let replies = Mutex<[(Purpose, RequestTraceLog)]>([])

    func deliver(_ log: RequestTraceLog, for purpose: Purpose) {
        replies.withLock { $0.append((purpose, log)) }
    }

    /// What arrived since the last call, oldest first.
    func drain() -> [(Purpose, RequestTraceLog)] {
        replies.withLock { value in
            defer { value.removeAll() }
            return value
        }
    }
}
