import RouterAPI

/// What a key asks the controller to do beyond changing the state.
enum DashboardEffect: Equatable {
    /// Send a command to the router; `what` names it in the status line.
    case send(RouterCommand, what: String)
    /// Write the live settings to a file.
    case export(RouterSettings)
    /// Switch to the next theme.
    case nextTheme
    /// Fetch the router's change journal for the journal view.
    case loadJournal
    /// Search the backoff settings over the recorded traffic (the editor's suggest key).
    case suggest
    /// Write the router's recording of its recent traffic to a file.
    case exportRecording
    /// Start the router process again with the command line that started it (proxy mode).
    case restartRouter
    /// Fetch the router's kept traces and show the one this id names.
    case loadTrace(String)
}
