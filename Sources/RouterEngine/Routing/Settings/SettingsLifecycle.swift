/// How the live settings change: the settings they replaced (the last `undoLimit` changes, for
/// undo), a trial that reverts unless confirmed (`SettingsTrial`), and the journal every change is
/// written to before it takes effect. The live settings themselves are the router's
/// (`LiveSettings`). Takes engine time from its caller; the trial's timer is the router's, kept
/// here only so that it can be cancelled.
struct SettingsLifecycle {
    /// How many earlier settings `undo` goes back through.
    static let undoLimit = 100

    /// The settings the router started with.
    let startup: RouterSettings
    /// The settings before each remembered change, oldest first.
    private(set) var undoHistory: [RouterSettings] = []
    private var trial = SettingsTrial()
    /// Reverts the trial at its deadline; armed by the router when a trial begins.
    var trialTimer: (any Cancellable)?
    /// Where every change is written before it takes effect (nil: none kept).
    var journal: (any ChangeJournal)?

    init(startup: RouterSettings) {
        self.startup = startup
    }

    /// The live settings `previous` gave way to new ones; `remember` keeps them for `undo`.
    mutating func replaced(_ previous: RouterSettings, remember: Bool) {
        guard remember else { return }
        undoHistory.append(previous)
        if undoHistory.count > Self.undoLimit { undoHistory.removeFirst() }
    }

    /// The router shuts down: the trial's timer is cancelled (the settings stay as they are), and
    /// the host's journal is let go.
    mutating func shutDown() {
        trialTimer?.cancel()
        trialTimer = nil
        journal = nil
    }

    /// The settings an undo goes back to.
    var undoTarget: RouterSettings? { undoHistory.last }

    /// The undo was carried out: its entry is used up.
    mutating func undone() {
        undoHistory.removeLast()
    }

    // MARK: The trial

    /// The trial that runs, if any.
    var runningTrial: SettingsTrial.Running? { trial.running }

    /// Feeds the trial's state machine; the router carries out the action. A trial that ends
    /// (kept or reverted) cancels its timer here.
    mutating func handle(_ event: SettingsTrial.Event) -> SettingsTrial.Action {
        let action = trial.handle(event)
        switch action {
        case .keep, .revert:
            trialTimer?.cancel()
            trialTimer = nil
            if case .revert(let running, _) = action, undoHistory.last == running.previous {
                // The revert undoes the trial: the undo entry the trial left goes with it.
                undoHistory.removeLast()
            }
        case .none, .refuse, .begin:
            break
        }
        return action
    }

    /// While a trial runs, only its confirmation or its revert changes the settings.
    func trialRefusal(at now: EngineTime) -> String? {
        guard let running = trial.running else { return nil }
        let left = Int(max(0, (running.deadline - now).secondsValue).rounded(.up))
        return "a settings trial by \(running.origin) runs (\(left) s left); confirm it or let it revert first"
    }

    /// The trial in progress, for the snapshot.
    func trialStatus(at now: EngineTime) -> TrialStatus? {
        trial.running.map { running in
            TrialStatus(by: running.origin.description, seconds: running.seconds,
                        secondsLeft: max(0, (running.deadline - now).secondsValue),
                        summary: ChangeRecord(subject: .settings, verb: "trial", old: .settings(running.previous),
                                              new: .settings(running.trial)).summary)
        }
    }
}
