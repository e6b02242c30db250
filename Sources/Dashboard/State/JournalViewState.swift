import RouterAPI

/// The journal view (`J`): the router's change journal, newest first, with a filter, one entry
/// shown whole, and a revert offer listing what it would change.
struct JournalViewState: Equatable {
    /// A revert waiting for the operator's yes: back to the settings just after `sequence`.
    struct RevertOffer: Equatable {
        var sequence: UInt64
        var settings: RouterSettings
        var differences: [SettingsDifference]
    }

    /// Oldest first, as the router sent them; nil until they arrive.
    var entries: [JournalEntry]?
    /// Why the journal could not be read, or what was wrong with it.
    var problems: [String] = []
    var filter = ""
    var filterEditing = false
    /// Index into `visible`.
    var selected = 0
    /// The entry shown whole, by number.
    var showing: UInt64?
    var offer: RevertOffer?

    /// The entries the list shows: newest first, those whose line contains the filter.
    var visible: [JournalEntry] {
        let newestFirst = (entries ?? []).reversed()
        guard !filter.isEmpty else { return Array(newestFirst) }
        return newestFirst.filter { $0.line.localizedCaseInsensitiveContains(filter) }
    }

    /// How far PgUp and PgDn move the selection.
    static let pageRows = 10

    /// Moves the selection by `offset` entries, staying on the list.
    mutating func move(by offset: Int) {
        selected = min(max(selected.addingClamped(offset), 0), max(visible.count - 1, 0))
    }

    /// Takes a new read of the journal, keeping the selection on the entry it was on (a revert
    /// adds an entry at the top, which would otherwise move the highlight to another one).
    mutating func replaceEntries(_ newEntries: [JournalEntry]) {
        let kept = selectedEntry?.sequence
        entries = newEntries
        if let kept, let index = visible.firstIndex(where: { $0.sequence == kept }) {
            selected = index
        } else {
            move(by: 0)
        }
    }

    var selectedEntry: JournalEntry? {
        let shown = visible
        return shown.indices.contains(selected) ? shown[selected] : nil
    }
}
