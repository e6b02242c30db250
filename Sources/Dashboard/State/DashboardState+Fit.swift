import RouterAPI

extension DashboardState {
    /// The update step before each frame: fits what the keys act on to what the frame will show.
    ///
    /// Keeps the selection on its replica and in view, remembers the order and page sizes the keys
    /// page by and the columns `s` steps through, and holds every scroll within its list. The
    /// renderer then only reads the state.
    mutating func fit(to plan: FramePlan, snapshot: RouterSnapshot) {
        let layout = plan.layout
        reconcileSelection(order: plan.ids, pageRows: layout.table.height - 2)
        panelPageRows = max((layout.events?.height ?? layout.timers?.height ?? 2) - 1, 1)
        switch view {
        case .main:
            shownColumns = Set(plan.columns.map(\.column))
            if let timers = layout.timers {
                timersScroll = BackoffTimersView.clampedScroll(timersScroll, snapshot: snapshot, in: timers)
            }
            if let events = layout.events {
                eventsScroll = EventLogView.clampedScroll(eventsScroll, events: plan.events.count, in: events)
            }
        case .detail:
            break
        case .models:
            modelsScroll = ModelsView.clampedScroll(modelsScroll, snapshot: snapshot, in: layout.body)
        }
        if let lookup = traceLookup {
            traceLookup?.scroll = TraceView.clampedScroll(lookup, in: layout.body)
        }
    }
}
