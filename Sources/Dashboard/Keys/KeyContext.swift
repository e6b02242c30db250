/// Where a key is pressed: the screen or input mode that decides what the key does.
enum KeyContext: CaseIterable, Hashable, Sendable {
    case main, detail, models, help, columnChooser
    /// The parameter editor (`e`).
    case editor
    /// Typing the table's filter (`/`).
    case filter
    /// Typing a replica's URL after `a` on a proxy.
    case addressInput
    /// The change journal (`J`): its list, one entry whole, its filter, and a revert offer.
    case journal, journalEntry, journalFilter, journalRevert
    /// The question `q` asks when the router routes real traffic in another process.
    case quitPrompt
    /// A destructive key waiting for `y`.
    case confirmation
    /// The router this dashboard shows is gone: start it again, or quit.
    case routerStopped
    /// Typing a request id to look up its trace (`T`), and the trace shown.
    case traceInput, trace

    /// The three views that share the main key set.
    static let views: Set<KeyContext> = [.main, .detail, .models]
    /// Where F10 quits although `q` does something else or is typed.
    static let quitByF10Only: Set<KeyContext> = [.editor, .filter, .addressInput, .journal, .journalEntry,
                                                 .journalFilter, .journalRevert, .traceInput, .trace]
}
