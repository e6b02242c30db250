extension Router {
    /// Writes a change to the journal before it takes effect; nil when written or when the host
    /// keeps no journal, otherwise why it could not be written.
    public func journalChange(
        _ change: ChangeRecord, by origin: CommandOrigin, result: JournalResult = .applied, reason: String? = nil,
        note: String? = nil
    ) -> JournalWriteError? {
        guard let journal else { return nil }
        let entry = JournalEntry(who: JournalWho(origin), change: change, result: result, reason: reason, note: note)
        switch journal.append(entry) {
        case .success: return nil
        case .failure(let error):
            record(.warning, "journal: \(error.message); the change is refused")
            return error
        }
    }

    /// Journals a change and, once written, records it in the event log; returns why it was
    /// refused when the journal could not be written (the caller then changes nothing).
    public func journalAndRecord(
        _ kind: RouterEvent.Kind, _ change: ChangeRecord, by origin: CommandOrigin, words: String
    ) -> String? {
        if let failure = journalChange(change, by: origin) { return "the journal cannot be written (\(failure.message))" }
        record(kind, "\(words) by \(origin)", change: change)
        return nil
    }
}
