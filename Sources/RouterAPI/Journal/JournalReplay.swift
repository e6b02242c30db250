/// Reads settings back out of journal entries: what was in force just after an entry, and what
/// the last applied change left.
public enum JournalReplay {
    /// The settings in force just after entry `sequence`: the new value of the last applied
    /// settings change at or before it; nil when no applied settings change comes at or before it
    /// (or there is no such entry).
    public static func settings(after sequence: UInt64, in entries: [JournalEntry]) -> RouterSettings? {
        guard entries.contains(where: { $0.sequence == sequence }) else { return nil }
        return entries
            .filter { $0.sequence <= sequence && $0.result == .applied && $0.change.subject == .settings }
            .last?.change.new.settings
    }

    /// The last applied settings change, whose new value the router had when the journal ended.
    public static func lastSettings(in entries: [JournalEntry]) -> JournalEntry? {
        entries.last { $0.result == .applied && $0.change.subject == .settings && $0.change.new.settings != nil }
    }
}

/// The journal as the control API reads it; provided by the process that writes it.
public protocol JournalSource: Sendable {
    /// The entries numbered after `after`, oldest first, with where the journal is and what was wrong with it.
    func read(after: UInt64) -> JournalReply
}
