import RouterAPI

/// A journal kept in memory, numbering entries as the file does; can be told to fail.
final class MemoryJournal: ChangeJournal {
    var entries: [JournalEntry] = []
    var failing = false

    func append(_ entry: JournalEntry) -> Result<JournalEntry, JournalWriteError> {
        if failing { return .failure(JournalWriteError("disk full")) }
        var entry = entry
        entry.sequence = UInt64(entries.count + 1)
        entry.time = "2026-12-01T10:14:03.123Z"
        entries.append(entry)
        return .success(entry)
    }
}
