import RouterAPI
import Synchronization

/// The journal as the router last sent it, delivered on any thread and read on the UI thread.
final class JournalInbox: Sendable {
    private let reply = Mutex<Result<JournalReply, JournalWriteError>?>(nil)

    func deliver(_ result: Result<JournalReply, JournalWriteError>) {
        reply.withLock { $0 = result }
    }

    /// What arrived since the last call, if anything.
    func take() -> Result<JournalReply, JournalWriteError>? {
        reply.withLock { value in
            defer { value = nil }
            return value
        }
    }
}
