import Testing
@testable import RouterEngine

/// The settings lifecycle on its own: replacing and undoing settings, and a trial's state on
/// engine time, with the timer handle it cancels when the trial ends.
@Suite("Settings lifecycle")
struct SettingsLifecycleTests {
    private let alice = CommandOrigin(user: "alice", address: "10.0.0.5", uid: 1000, via: .attach)

    private func settings(initialBackoff: Double) -> RouterSettings {
        var settings = RouterSettings.defaults
        settings.initialBackoff = initialBackoff
        return settings
    }

    private func trial(from previous: RouterSettings, to next: RouterSettings, deadline: EngineTime) -> SettingsTrial.Running {
        SettingsTrial.Running(previous: previous, trial: next, origin: alice, seconds: 30, deadline: deadline, session: "s1")
    }

    /// A timer handle that only says whether it was cancelled.
    private final class Handle: Cancellable {
        var cancelled = false
        func cancel() { cancelled = true }
    }

    @Test("live settings make their backoff policy, legacy or not")
    func liveSettingsMakeTheirBackoff() {
        #expect(LiveSettings(.defaults, legacyBackoff: false).backoff.wait(afterFailedAttempt: 2) == .ms(25))
        #expect(LiveSettings(settings(initialBackoff: 0.02), legacyBackoff: false).backoff.wait(afterFailedAttempt: 2) == .ms(20))
        #expect(LiveSettings(.defaults, legacyBackoff: false).backoff.wait(afterFailedAttempt: 1) == .zero)
        #expect(LiveSettings(.defaults, legacyBackoff: true).backoff.wait(afterFailedAttempt: 1) == .ms(25), "legacy sleeps before the first retry")
    }

    @Test("replaced settings are remembered when asked, and undone newest first")
    func replaceAndUndo() {
        var lifecycle = SettingsLifecycle(startup: .defaults)
        lifecycle.replaced(.defaults, remember: true)
        lifecycle.replaced(settings(initialBackoff: 0.01), remember: false)
        #expect(lifecycle.startup == .defaults)
        #expect(lifecycle.undoTarget == .defaults, "the change not remembered left no entry")
        lifecycle.undone()
        #expect(lifecycle.undoTarget == nil)
    }

    @Test("the undo history keeps the last 100 settings")
    func undoBound() {
        var lifecycle = SettingsLifecycle(startup: settings(initialBackoff: 0.001))
        // Settings 0.001 s, 0.002 s, … 0.101 s each gave way to the next.
        for step in 1...101 { lifecycle.replaced(settings(initialBackoff: Double(step) / 1000), remember: true) }
        #expect(lifecycle.undoHistory.count == SettingsLifecycle.undoLimit)
        #expect(lifecycle.undoHistory.first == settings(initialBackoff: 0.002), "the oldest went first")
        #expect(lifecycle.undoTarget == settings(initialBackoff: 0.101))
    }

    @Test("a running trial refuses other changes with the seconds left and shows in the snapshot")
    func trialRefusalAndStatus() {
        var lifecycle = SettingsLifecycle(startup: .defaults)
        #expect(lifecycle.trialRefusal(at: .zero) == nil && lifecycle.trialStatus(at: .zero) == nil)
        let running = trial(from: .defaults, to: settings(initialBackoff: 0.01), deadline: .ms(30_000))
        #expect(lifecycle.handle(.start(running)) == .begin(running))
        #expect(lifecycle.trialRefusal(at: .ms(10_500))
            == "a settings trial by alice from 10.0.0.5 runs (20 s left); confirm it or let it revert first")
        let status = lifecycle.trialStatus(at: .ms(10_500))
        #expect(status?.secondsLeft == 19.5 && status?.seconds == 30 && status?.by == "alice from 10.0.0.5")
        #expect(lifecycle.trialStatus(at: .ms(40_000))?.secondsLeft == 0)
    }

    /// A lifecycle with a trial from the defaults to an initial backoff of 0.01 running, and its timer.
    private func trialRunning() -> (SettingsLifecycle, SettingsTrial.Running, Handle) {
        var lifecycle = SettingsLifecycle(startup: .defaults)
        let next = settings(initialBackoff: 0.01)
        lifecycle.replaced(.defaults, remember: true)
        let running = trial(from: .defaults, to: next, deadline: .ms(30_000))
        _ = lifecycle.handle(.start(running))
        let timer = Handle()
        lifecycle.trialTimer = timer
        return (lifecycle, running, timer)
    }

    @Test("a confirmed trial cancels its timer and keeps its undo entry")
    func confirm() {
        let (started, running, timer) = trialRunning()
        var lifecycle = started
        #expect(lifecycle.handle(.confirm) == .keep(running))
        #expect(timer.cancelled && lifecycle.trialTimer == nil)
        #expect(lifecycle.runningTrial == nil && lifecycle.undoTarget == .defaults)
    }

    @Test("a reverted trial cancels its timer and drops the undo entry it left; another session's end changes nothing")
    func revert() {
        let (started, running, timer) = trialRunning()
        var lifecycle = started
        #expect(lifecycle.handle(.sessionEnded("s2")) == SettingsTrial.Action.none)
        #expect(!timer.cancelled)
        #expect(lifecycle.handle(.sessionEnded("s1"))
            == .revert(running, why: "not confirmed before the connection of alice from 10.0.0.5 dropped"))
        #expect(timer.cancelled && lifecycle.trialTimer == nil)
        #expect(lifecycle.undoTarget == nil && lifecycle.runningTrial == nil)
    }
}
