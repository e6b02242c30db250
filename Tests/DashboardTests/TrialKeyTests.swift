import Dashboard
import RouterAPI
import RouterEngine
import Testing

/// Confirm-or-revert in the dashboard: the editor's trial field, the header's countdown, `c`.
struct TrialKeyTests {
    let size = TerminalSize(columns: 160, rows: 30)

    @Test func theEditorWithATrialLengthAppliesOnTrial() {
        let control = FakeRouterControl(Fixtures.snapshot())
        let dashboard = Fixtures.controller(control)
        dashboard.handle(.character("e"))
        dashboard.handle(.delete)
        dashboard.type("0.01")
        dashboard.handle(.backTab)
        dashboard.type("30")
        dashboard.handle(.enter)
        var expected = Fixtures.snapshot().settings
        expected.initialBackoff = 0.01
        #expect(control.commands == [.settings(.applyOnTrial(expected, seconds: 30, session: nil))])
    }

    @Test func theHeaderCountsDownAndCConfirms() {
        var snapshot = Fixtures.snapshot()
        let control = FakeRouterControl(snapshot)
        let dashboard = Fixtures.controller(control)
        dashboard.handle(.character("c"))
        #expect(control.commands.isEmpty)
        snapshot.trial = TrialStatus(by: "alice", seconds: 30, secondsLeft: 26.2, summary: "initial backoff (s) 0.025 → 0.01")
        control.setSnapshot(snapshot)
        #expect(dashboard.render(size: size).contains("trial by alice: reverts in 27 s unless confirmed (c)"))
        dashboard.handle(.character("c"))
        #expect(control.commands == [.settings(.confirm)])
    }
}
