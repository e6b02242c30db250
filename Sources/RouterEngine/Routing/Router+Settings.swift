extension Router {
    /// Replaces the live settings. Takes effect at once, also for tasks sleeping now: a sleeping
    /// task wakes at (when it started sleeping + its wait under the new settings), or now if that
    /// moment has passed. Attempt counts are kept.
    public func apply(_ newSettings: RouterSettings, by origin: CommandOrigin) throws(ConfigurationError) {
        try SettingsValidator.validate(newSettings)
        guard newSettings != settings else { return }
        settingsUndo.append(settings)
        if settingsUndo.count > 100 { settingsUndo.removeFirst() }
        replaceSettings(with: newSettings, by: origin, verb: "set")
    }

    /// Goes back to the settings before the last change; nil when there is nothing to undo.
    @discardableResult
    public func undoSettings(by origin: CommandOrigin) -> RouterSettings? {
        guard let previous = settingsUndo.popLast() else { return nil }
        replaceSettings(with: previous, by: origin, verb: "undo")
        return previous
    }

    /// Carries out an operator's `.applySettings` or `.undoSettings`, the same for every host.
    public func performSettingsCommand(_ command: RouterCommand, by origin: CommandOrigin) -> CommandResult {
        switch command {
        case .applySettings(let newSettings):
            do {
                try apply(newSettings, by: origin)
                return .done("settings applied")
            } catch {
                return .refused(error.description)
            }
        case .undoSettings:
            return undoSettings(by: origin) == nil ? .refused("no parameter change to undo") : .done("undone")
        default:
            return .refused("not a settings command")
        }
    }

    private func replaceSettings(with newSettings: RouterSettings, by origin: CommandOrigin, verb: String) {
        let changes = RouterSettingKey.allCases.compactMap { key -> String? in
            guard settings[key] != newSettings[key] else { return nil }
            return "\(key.label) \(SettingText.format(settings[key])) → \(SettingText.format(newSettings[key]))"
        }
        settings = newSettings
        backoff = newSettings.backoffPolicy(legacy: options.legacyBackoff)
        record(.settings, "\(verb): \(changes.joined(separator: ", ")) by \(origin)")
        rearmSleepingTasks()
    }

    /// A sleeping task is re-timed from the start of its sleep, and reports the wait it now sleeps.
    private func rearmSleepingTasks() {
        for task in tasks.values.sorted(by: { $0.id < $1.id }) {
            guard let before = task.machine.sleep else { continue }
            let action = task.machine.handle(.settingsChanged(backoff, now: now))
            if let after = task.machine.sleep, after.wait != before.wait {
                countSleep(afterFailedAttempt: before.failedAttempts, wait: before.wait, by: -1)
                countSleep(afterFailedAttempt: after.failedAttempts, wait: after.wait, by: 1)
                traceWait(after.wait, for: task)
            }
            perform(action, for: task)
        }
    }
}
