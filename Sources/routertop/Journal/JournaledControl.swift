import Foundation
import RouterAPI
import RouterJournal
import RouterRuntime

/// A router in this process together with its journal, for the dashboard's journal view.
final class JournaledControl: RouterControl, Sendable {
    private let live: LiveRouter
    private let file: JournalFile

    init(_ live: LiveRouter, journal file: JournalFile) {
        self.live = live
        self.file = file
    }

    func latestSnapshot() -> RouterSnapshot { live.latestSnapshot() }

    var connection: ConnectionState { live.connection }

    func perform(_ command: RouterCommand, by origin: CommandOrigin,
                 completion: @escaping @Sendable (CommandResult) -> Void) {
        live.perform(command, by: origin, completion: completion)
    }

    func traces(limit: Int, completion: @escaping @Sendable (RequestTraceLog) -> Void) {
        live.traces(limit: limit, completion: completion)
    }

    /// Read off the UI thread: the journal may be some megabytes.
    func journal(completion: @escaping @Sendable (Result<JournalReply, JournalWriteError>) -> Void) {
        let file = self.file
        DispatchQueue.global().async { completion(.success(file.read(after: 0))) }
    }
}
