extension Router {
    /// Writes a change to the journal before it takes effect; nil when written or when the host
    /// keeps no journal, otherwise why it could not be written.
    public func journalChange(
        _ change: ChangeRecord, by origin: CommandOrigin, result: JournalResult = .applied, reason: String? = nil,
        note: String? = nil
    ) -> JournalWriteError? {
        guard let journal else { return nil }
        let entry = JournalEntry(who: JournalWho(origin), change: change, result: result, reason: reason, note: note,
                                 rollout: origin.rollout)
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

    /// A replica change (remove, drain, undrain), journaled before it is tried; one the router then
    /// refuses is journaled again as refused. The simulated fleet and proxy mode both go through it.
    public func journaledReplicaCommand(
        _ id: ReplicaID, _ verb: String, by origin: CommandOrigin, done: String = "done",
        _ body: () throws(RouterError) -> Void
    ) -> CommandResult {
        guard replica(id) != nil else { return .refused("there is no replica \(id)") }
        let change = ChangeRecord(subject: .replica, target: id.rawValue, verb: verb, old: .text("present"),
                                  new: .text(verb))
        if let refusal = journalAndRecord(.replica, change, by: origin, words: "\(id) \(verb)") {
            return .refused(refusal)
        }
        do {
            try body()
            return .done(done)
        } catch {
            _ = journalChange(change, by: origin, result: .refused, reason: error.description)
            return .refused(error.description)
        }
    }
}
