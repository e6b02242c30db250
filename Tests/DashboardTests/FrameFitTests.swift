@testable import Dashboard
import RouterAPI
import Testing

/// The update step before a frame (`DashboardState.fit`) and the renderer that only reads the state.
@Suite("Fitting the state to a frame, then rendering it")
struct FrameFitTests {
    private static let size = TerminalSize(columns: 120, rows: 40)

    private static func events(_ count: Int) -> [RouterEvent] {
        (0..<count).map { RouterEvent(time: .seconds(Double($0)), kind: .info, message: "event \($0)") }
    }

    @Test("fit holds every scroll within its list, keeps the selection in view and remembers the table's columns")
    func fitClampsWhatTheKeysActOn() throws {
        let snapshot = Fixtures.snapshot(replicas: 40, events: Self.events(30))
        var state = DashboardState(refreshMilliseconds: 500)
        state.eventsScroll = 10_000
        state.timersScroll = 10_000
        state.selectedIndex = 39
        let plan = try #require(FramePlan(snapshot: snapshot, state: state, size: Self.size, readOnly: false))
        state.fit(to: plan, snapshot: snapshot)

        let eventsRect = try #require(plan.layout.events)
        #expect(state.eventsScroll == 30 - (eventsRect.height - 1), "the oldest event at the top at most")
        let timersRect = try #require(plan.layout.timers)
        #expect(state.timersScroll == BackoffTimersView.clampedScroll(10_000, snapshot: snapshot, in: timersRect))
        #expect(state.timersScroll < 10_000)
        #expect(state.selectedID == plan.ids[39])
        #expect(state.tablePageRows == plan.layout.table.height - 2)
        #expect(state.tableScroll == 40 - state.tablePageRows, "the last row is in view")
        #expect(state.visibleOrder == plan.ids)
        #expect(state.shownColumns == Set(plan.columns.map(\.column)))
        #expect(state.shownColumns.contains(.id))

        var again = state
        again.fit(to: plan, snapshot: snapshot)
        #expect(again.eventsScroll == state.eventsScroll && again.tableScroll == state.tableScroll,
                "a fitted state fits again unchanged")
    }

    @Test("fit holds the models view's scroll, and leaves the main view's scrolls alone there")
    func fitInTheModelsView() throws {
        let snapshot = Fixtures.snapshot(replicas: 4, events: Self.events(30))
        var state = DashboardState(refreshMilliseconds: 500)
        state.view = .models
        state.modelsScroll = 50
        state.eventsScroll = 10_000
        let plan = try #require(FramePlan(snapshot: snapshot, state: state, size: Self.size, readOnly: false))
        state.fit(to: plan, snapshot: snapshot)
        // Without model figures the models view lists nothing and keeps the scroll it was given.
        #expect(snapshot.models == nil)
        #expect(state.modelsScroll == 50)
        #expect(state.eventsScroll == 10_000, "the event log is not on screen, so its scroll is not fitted")
        #expect(plan.columns.isEmpty, "the table's columns are planned for the main view only")
    }

    @Test("below the minimum size there is no plan, and the renderer draws the too-small line")
    func noPlanBelowTheMinimum() {
        let snapshot = Fixtures.snapshot(replicas: 4)
        let state = DashboardState(refreshMilliseconds: 500)
        let small = TerminalSize(columns: 39, rows: 10)
        #expect(FramePlan(snapshot: snapshot, state: state, size: small, readOnly: false) == nil)
        let renderer = FrameRenderer(snapshot: snapshot, configuration: Fixtures.configuration(), themeName: "plain")
        let screen = renderer.render(size: small, plan: nil, state: state)
        #expect(screen.row(0).hasPrefix("terminal too small (need 40×10)"))
    }

    @Test("rendering reads the state only: the same state draws the same frame, fitted or not")
    func renderingIsARead() throws {
        let snapshot = Fixtures.snapshot(replicas: 40, events: Self.events(30))
        var unfitted = DashboardState(refreshMilliseconds: 500)
        unfitted.eventsScroll = 10_000
        unfitted.timersScroll = 10_000
        let plan = try #require(FramePlan(snapshot: snapshot, state: unfitted, size: Self.size, readOnly: false))
        var fitted = unfitted
        fitted.fit(to: plan, snapshot: snapshot)
        let renderer = FrameRenderer(snapshot: snapshot, configuration: Fixtures.configuration(), themeName: "plain")
        let first = renderer.render(size: Self.size, plan: plan, state: fitted)
        #expect(renderer.render(size: Self.size, plan: plan, state: fitted) == first)
        #expect(first.contains("event 0"), "scrolled back as far as the log goes")
        #expect(first.contains("newer below"))
        // The views hold a scroll beyond their list themselves, so the fitted scroll draws the same.
        #expect(renderer.render(size: Self.size, plan: plan, state: unfitted) == first)
    }
}
