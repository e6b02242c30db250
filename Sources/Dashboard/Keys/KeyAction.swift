/// What a key binding does; `DashboardState.perform` carries each one out.
enum KeyAction: Hashable, Sendable {
    case quit, showHelp, editParameters
    case moveUp, moveDown, pageUp, pageDown, first, last
    case nextPanel, previousPanel, openDetail, back
    case nextSort, previousSort, reverseSort, filter, columnChooser, togglePause, nextTheme
    case refreshFaster, refreshSlower
    case undo, exportSettings, exportRecording, toggleModels, openJournal, confirmTrial
    // The editor's what-if.
    case suggest, takeSuggestion
    case moreLoad, lessLoad, addReplica, removeReplica, drain
    case makeUnavailable, kill, slowProbes, saturate, recover
    // The help.
    case closeHelp, nextHelpPage, previousHelpPage
    // The column chooser.
    case columnUp, columnDown, toggleColumn, closeColumnChooser
    // A text being typed: the editor's field, the filter, a replica's URL, the journal's filter.
    case acceptText, cancelText, deleteBackward, clearText, typeText, previousField, nextField
    // The journal.
    case closeJournal, filterJournal, showEntry, closeEntry, offerRevert, revert, cancelRevert
    // The quit question and the destructive key's question.
    case stopRouter, detach, cancelQuit, confirm, cancelConfirmation
    // The router is gone: start it again (proxy mode).
    case restartRouter
    // A request's trace: looked up by id, or from the replica detail's recent requests.
    case lookUpTrace, closeTrace, nextRecentRequest, previousRecentRequest, showRecentTrace
}
