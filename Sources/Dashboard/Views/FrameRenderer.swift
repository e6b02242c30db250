import RouterAPI

/// Composes one frame: layout, header, body, status, footer and any overlay.
struct FrameRenderer {
    let snapshot: RouterSnapshot
    let configuration: DashboardConfiguration
    let themeName: String

    static func tooSmallMessage(ascii: Bool) -> String {
        let size = FrameLayout.minimumSize
        return "terminal too small (need \(size.columns)\(ascii ? "x" : "×")\(size.rows))"
    }

    /// The frame for `plan` (nil: the terminal is below the minimum size), reading `state` only.
    ///
    /// The controller fits the state to the plan first (`DashboardState.fit(to:snapshot:)`), so the
    /// selection and every scroll drawn here are already within their lists.
    func render(size: TerminalSize, plan: FramePlan?, state: DashboardState) -> Screen {
        var canvas = Canvas(size: size, ascii: configuration.ascii)
        guard let plan else {
            // One line when it fits; on a very narrow terminal the words wrap rather than vanish.
            let message = Self.tooSmallMessage(ascii: configuration.ascii)
            let lines = message.count <= size.columns
                ? [message] : TextWrap.lines(message, width: max(size.columns, 1), maxLines: size.rows)
            for (row, line) in lines.enumerated() {
                canvas.put(line, x: 0, y: row, role: .tooSmall)
            }
            return canvas.screen
        }
        let layout = plan.layout
        HeaderView.draw(&canvas, in: layout.header, snapshot: snapshot, paused: state.isPaused,
                        readOnly: configuration.readOnly, refreshMilliseconds: state.refreshMilliseconds,
                        themeName: themeName, connection: (state.connectionText, state.connection.isStale,
                                                  state.connection.routerStopped))
        if let banner = layout.banner {
            canvas.fill(banner, role: .bannerReadOnly)
            canvas.put(" READ-ONLY: watching only; edits, faults and replica changes are refused", in: banner, row: 0,
                       role: .bannerReadOnly)
        }
        switch state.view {
        case .main:
            drawMain(&canvas, plan: plan, state: state)
        case .detail(let id):
            DetailView.draw(&canvas, in: layout.body, snapshot: snapshot, id: id, position: plan.ids.firstIndex(of: id),
                            count: plan.ids.count, events: plan.events, utc: configuration.utcClock,
                            recent: state.recentRequests)
        case .models:
            ModelsView.draw(&canvas, in: layout.body, snapshot: snapshot, scroll: state.modelsScroll)
        }
        drawStatus(&canvas, layout: layout, state: state)
        if state.showHelp {
            HelpOverlay.draw(&canvas, in: layout.body, page: state.helpPage, context: state.viewContext,
                             simulated: snapshot.mode == .simulated, readOnly: configuration.readOnly)
        }
        if let journal = state.journalView {
            JournalView.draw(&canvas, in: layout.body, view: journal, readOnly: configuration.readOnly)
        }
        if let lookup = state.traceLookup {
            TraceView.draw(&canvas, in: layout.body, lookup: lookup, readOnly: configuration.readOnly)
        }
        if let cursor = state.columnChooser {
            ColumnChooserView.draw(&canvas, in: layout.body, hidden: state.hiddenColumns, cursor: cursor)
        }
        if let form = state.editor {
            // Below the header: the figures an edit is about stay in view while it is made.
            let belowHeader = canvas.bounds.splitTop(layout.header.height).1
            EditorView.draw(&canvas, in: belowHeader, form: form, legacy: snapshot.legacyBackoff, whatIf: state.whatIf)
        }
        if state.quitPrompt {
            QuitPromptView.draw(&canvas, in: layout.body, snapshot: snapshot, readOnly: configuration.readOnly)
        }
        return canvas.screen
    }

    private func drawMain(_ canvas: inout Canvas, plan: FramePlan, state: DashboardState) {
        let layout = plan.layout
        ReplicaTableView.draw(&canvas, in: layout.table, snapshot: snapshot, plan: plan, state: state,
                              focused: state.focus == .replicas, lastKnown: state.connection.routerStopped)
        if let timers = layout.timers {
            BackoffTimersView.draw(&canvas, in: timers, snapshot: snapshot, scroll: state.timersScroll,
                                   focused: state.focus == .timers)
        }
        if let eventsRect = layout.events {
            EventLogView.draw(&canvas, in: eventsRect, events: plan.events, title: "Events",
                              scroll: state.eventsScroll, focused: state.focus == .events, utc: configuration.utcClock)
        }
    }

    private func drawStatus(_ canvas: inout Canvas, layout: FrameLayout, state: DashboardState) {
        let keys = KeyHelp.footer(for: state, simulated: snapshot.mode == .simulated, readOnly: configuration.readOnly)
        if let typed = state.addressInput {
            // The prompt takes the footer (its keys follow it), so the status row above can still say
            // why the router refused the address typed before.
            if let statusRect = layout.status { drawStatusLine(&canvas, in: statusRect, state: state) }
            drawAddressPrompt(&canvas, in: layout.footer, typed: typed)
            return
        }
        // Without a status row, a message takes the footer's place until it is cleared.
        if let statusRect = layout.status {
            drawStatusLine(&canvas, in: statusRect, state: state)
            KeyHelp.drawFooter(&canvas, in: layout.footer, keys: keys)
        } else if state.status != nil {
            drawStatusLine(&canvas, in: layout.footer, state: state)
        } else {
            KeyHelp.drawFooter(&canvas, in: layout.footer, keys: keys)
        }
    }

    private func drawAddressPrompt(_ canvas: inout Canvas, in rect: Rect, typed: String) {
        canvas.fill(rect, role: .statusInfo)
        // The keys follow the address as far as they fit.
        let prompt = " replica HOST:PORT or URL: \(typed)_   "
        let keys = KeyHelp.inline(in: .addressInput, width: rect.width - prompt.count - 1,
                                  separator: canvas.glyphs.separator, readOnly: configuration.readOnly)
        canvas.put(prompt + keys, in: rect, row: 0, role: .statusInfo)
    }

    private func drawStatusLine(_ canvas: inout Canvas, in rect: Rect, state: DashboardState) {
        guard let status = state.status else { return }
        let role: StyleRole = switch status.kind {
        case .info: .statusInfo
        case .done: .statusDone
        case .refused: .statusRefused
        }
        canvas.fill(rect, role: role)
        canvas.put(" " + status.text, in: rect, row: 0, role: role)
    }
}
