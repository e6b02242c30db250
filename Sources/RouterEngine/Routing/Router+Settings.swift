extension Router {
    /// Replaces the live settings. Takes effect at once, also for tasks sleeping now: a sleeping
    /// task wakes at (when it started sleeping + its wait under the new settings), or now if that
    /// moment has passed. Attempt counts are kept.
    ///
    /// The change is journaled before it takes effect; one the journal cannot take is refused.
    public func apply(_ newSettings: RouterSettings, by origin: CommandOrigin) throws(ConfigurationError) {
        switch changeSettings(to: newSettings, by: origin, verb: "set") {
        case .done: return
        case .refused(let reason):
            // Invalid settings throw the validator's own error; anything else (a trial, the journal) is named.
            try SettingsValidator.validate(newSettings)
            throw ConfigurationError(subject: "settings", value: "", problem: reason, allowed: "changed when no trial runs")
        }
    }

    /// Goes back to the settings before the last change; nil when there is nothing to undo.
    @discardableResult
    public func undoSettings(by origin: CommandOrigin) -> RouterSettings? {
        guard let previous = settingsLifecycle.undoTarget else { return nil }
        guard case .done = changeSettings(to: previous, by: origin, verb: "undo", remember: false) else { return nil }
        settingsLifecycle.undone()
        return previous
    }

    /// Carries out an operator's settings command: the one place every host's settings commands go.
    public func perform(settings command: SettingsCommand, by origin: CommandOrigin) -> CommandResult {
        if isShutDown { return .refused(Self.shutDownRefusal) }
        switch command {
        case .apply(let newSettings):
            return changeSettings(to: newSettings, by: origin, verb: "set")
        case .undo:
            if let refusal = settingsLifecycle.trialRefusal(at: now) { return .refused(refusal) }
            return undoSettings(by: origin) == nil ? .refused("no parameter change to undo") : .done("undone")
        case .applyOnTrial(let newSettings, let seconds, let session):
            return applyOnTrial(newSettings, seconds: seconds, session: session, by: origin)
        case .confirm:
            return confirmTrial(by: origin)
        case .revert(let target, let entry):
            return changeSettings(to: target, by: origin, verb: "revert", note: "back to the settings just after #\(entry)")
        case .endSession(let session):
            return endSession(session)
        }
    }

    /// Validates, journals, then applies: the one path every settings change takes.
    func changeSettings(
        to newSettings: RouterSettings, by origin: CommandOrigin, verb: String, note: String? = nil,
        remember: Bool = true, duringTrial: Bool = false
    ) -> CommandResult {
        if isShutDown { return .refused(Self.shutDownRefusal) }
        let change = ChangeRecord(subject: .settings, verb: verb, old: .settings(settings), new: .settings(newSettings))
        if !duringTrial, let refusal = settingsLifecycle.trialRefusal(at: now) {
            _ = journalChange(change, by: origin, result: .refused, reason: refusal, note: note)
            return .refused(refusal)
        }
        do {
            try SettingsValidator.validate(newSettings)
        } catch {
            _ = journalChange(change, by: origin, result: .refused, reason: error.description, note: note)
            return .refused(error.description)
        }
        guard newSettings != settings || verb == "confirm" else { return .done("no setting changes") }
        if let failure = journalChange(change, by: origin, note: note) {
            return .refused("the journal cannot be written (\(failure.message)); nothing changed")
        }
        replaceSettings(with: newSettings, remember: remember, change: change, by: origin, note: note)
        return .done(verb == "set" ? "settings applied" : "settings \(verb)")
    }

    private func replaceSettings(with newSettings: RouterSettings, remember: Bool, change: ChangeRecord,
                                 by origin: CommandOrigin, note: String?) {
        settingsLifecycle.replaced(live.settings, remember: remember)
        live = LiveSettings(newSettings, legacyBackoff: options.legacyBackoff)
        recorder?.settingsChanged(newSettings, at: now)
        let why = note.map { " (\($0))" } ?? ""
        record(.settings, "\(change.verb): \(change.summary) by \(origin)\(why)", change: change)
        rearmSleepingTasks()
    }

    /// A sleeping task is re-timed from the start of its sleep, and reports the wait it now sleeps.
    private func rearmSleepingTasks() {
        for task in taskPool.oldestFirst {
            guard let before = task.machine.sleep else { continue }
            let action = task.machine.backoffChanged(backoff, now: now)
            if let after = task.machine.sleep, after.wait != before.wait {
                statistics.countSleep(afterFailedAttempt: before.failedAttempts, wait: before.wait, by: -1)
                statistics.countSleep(afterFailedAttempt: after.failedAttempts, wait: after.wait, by: 1)
                traceWait(after.wait, for: task)
            }
            perform(action, for: task)
        }
    }
}
