extension Router {
    /// Applies `newSettings` on trial: they go back by themselves after `seconds` unless confirmed.
    public func applyOnTrial(
        _ newSettings: RouterSettings, seconds: Int, session: String?, by origin: CommandOrigin
    ) -> CommandResult {
        if isShutDown { return .refused(Self.shutDownRefusal) }
        guard (1...TrialStatus.maxSeconds).contains(seconds) else {
            return .refused("confirm_within_s=\(seconds) must be a whole number of seconds from 1 to \(TrialStatus.maxSeconds)")
        }
        if let running = settingsLifecycle.runningTrial {
            let change = ChangeRecord(subject: .settings, verb: "trial", old: .settings(settings), new: .settings(newSettings))
            let reason = "a trial by \(running.origin) runs; confirm it or let it revert before starting another"
            _ = journalChange(change, by: origin, result: .refused, reason: reason)
            return .refused(reason)
        }
        let previous = settings
        let result = changeSettings(to: newSettings, by: origin, verb: "trial",
                                    note: "reverts unless confirmed within \(seconds) s")
        guard case .done = result, settings != previous else { return result }
        let running = SettingsTrial.Running(previous: previous, trial: newSettings, origin: origin, seconds: seconds,
                                            deadline: now + .seconds(seconds), session: session)
        guard case .begin(let begun) = settingsLifecycle.handle(.start(running)) else { return result }
        settingsLifecycle.trialTimer = scheduler.schedule(at: begun.deadline) { [handle] in handle.object?.trialTimedOut() }
        return .done("settings on trial: they revert in \(seconds) s unless confirmed")
    }

    /// Keeps the settings on trial.
    public func confirmTrial(by origin: CommandOrigin) -> CommandResult {
        if isShutDown { return .refused(Self.shutDownRefusal) }
        switch settingsLifecycle.handle(.confirm) {
        case .keep(let running):
            // Confirming changes nothing: old and new are the settings kept, so replay stays a chain.
            let change = ChangeRecord(subject: .settings, verb: "confirm", old: .settings(settings), new: .settings(settings))
            _ = journalChange(change, by: origin, note: "trial by \(running.origin) kept")
            record(.settings, "confirm: trial by \(running.origin) kept by \(origin)", change: change)
            return .done("trial confirmed: the settings stay")
        case .refuse(let reason):
            return .refused(reason)
        case .none, .begin, .revert:
            return .refused("no settings trial runs")
        }
    }

    /// An operator's session ended: a trial it started goes back at once.
    public func endSession(_ session: String) -> CommandResult {
        if isShutDown { return .refused(Self.shutDownRefusal) }
        let action = settingsLifecycle.handle(.sessionEnded(session))
        guard case .revert = action else { return .done("no trial depended on that session") }
        carryOut(action)
        return .done("trial reverted")
    }

    private func trialTimedOut() {
        // An event loop may still run a timer cancelled in the turn it fell due.
        guard !isShutDown else { return }
        // The timer has fired: nothing is left to cancel.
        settingsLifecycle.trialTimer = nil
        carryOut(settingsLifecycle.handle(.timeout))
    }

    /// Puts the previous settings back (the lifecycle has cancelled the timer and dropped the
    /// trial's undo entry).
    private func carryOut(_ action: SettingsTrial.Action) {
        guard case .revert(let running, let why) = action else { return }
        let who = CommandOrigin(user: running.origin.user, address: running.origin.address, uid: running.origin.uid,
                                via: .router, rollout: running.origin.rollout)
        let result = changeSettings(to: running.previous, by: who, verb: "revert", note: "trial \(why)",
                                    remember: false, duringTrial: true)
        if case .refused(let reason) = result {
            // The revert is the router's own safety net: it happens even when the journal cannot take it.
            record(.warning, "trial revert: \(reason); reverting without a journal entry")
            let kept = journal
            journal = nil
            _ = changeSettings(to: running.previous, by: who, verb: "revert", note: "trial \(why)", remember: false,
                               duringTrial: true)
            journal = kept
        }
    }
}
