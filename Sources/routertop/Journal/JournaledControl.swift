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

    func recording(completion: @escaping @Sendable (Result<Recording, WhatIfError>) -> Void) {
        live.recording(completion: completion)
    }

    func whatIf(_ edited: RouterSettings, completion: @escaping @Sendable (Result<WhatIfReply, WhatIfError>) -> Void) {
        live.whatIf(edited, completion: completion)
    }

    func suggest(
        within bounds: SuggestBounds, progress: @escaping @Sendable (Int, Int) -> Void,
        completion: @escaping @Sendable (Result<SuggestReply, WhatIfError>) -> Void
    ) {
        live.suggest(within: bounds, progress: progress, completion: completion)
    }
}
