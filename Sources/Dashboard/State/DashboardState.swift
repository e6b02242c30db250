import RouterAPI

/// Everything the dashboard remembers between frames apart from the router's own data: the
/// model of the Elm-style loop. Keys change it (`handle`), each frame first fits it to what will
/// show (`fit(to:snapshot:)`), then the renderer only reads it (`FrameRenderer`).
struct DashboardState {
    enum View: Equatable {
        case main
        case detail(ReplicaID)
        /// Every model asked for or held: its replicas, request rate and hits.
        case models
    }

    enum HelpPage: CaseIterable {
        case keys, columns, header

        var next: HelpPage { Self.allCases[(Self.allCases.firstIndex(of: self)! + 1) % Self.allCases.count] }
    }

    /// The panel that arrows and page keys scroll in the main view.
    enum Panel: Int, CaseIterable {
        case replicas, timers, events
    }

    /// A line under the panels: the result of the last command or key.
    struct Status: Equatable {
        enum Kind { case info, done, refused }
        var text: String
        var kind: Kind
    }

    var view: View = .main
    var showHelp = false
    /// The help's page: the keys, the legend of every table column, or of every header figure.
    var helpPage: HelpPage = .keys
    var editor: ParameterForm? {
        didSet { if editor == nil || oldValue == nil { whatIf = WhatIfPanel() } }
    }
    /// The editor's what-if figures and suggestions; cleared when the editor opens or closes.
    var whatIf = WhatIfPanel()
    var filterEditing = false
    var filter = ""
    var sort = ReplicaSort()
    var focus: Panel = .replicas
    var selectedID: ReplicaID?
    var selectedIndex = 0
    var tableScroll = 0
    var timersScroll = 0
    var modelsScroll = 0
    /// Lines scrolled back from the newest event; 0 follows the log.
    var eventsScroll = 0
    var pausedSnapshot: RouterSnapshot?
    var refreshMilliseconds: Int
    var status: Status?
    var wantsQuit = false
    /// `q` on a router that routes real traffic in another process: stop it, detach, or cancel.
    var quitPrompt = false
    /// The operator chose to stop the router; the dashboard quits once the router says it stops.
    var stoppingRouter = false
    /// The address typed after `a` on a proxy-mode router; nil when not typing one.
    var addressInput: String?
    /// The address last sent to be added (the URL sent, and the text as typed): a refusal of that
    /// URL puts the text back in the prompt to be corrected.
    var addressSent: (url: String, typed: String)?
    /// The journal view (`J`), while it is open.
    var journalView: JournalViewState?
    /// A request's trace being looked up or shown (`T`).
    var traceLookup: TraceLookup?
    /// The replica detail's most recent requests, as the router last sent them.
    var recentRequests: RecentRequests?
    /// How the router is reached, and the words the header shows for it ("" in process).
    var connection: ConnectionState = .inProcess
    var connectionText = ""
    /// This dashboard started the router process and can start it again (`r` once it is gone).
    var canRestartRouter = false
    /// A destructive key waiting for `y`: what it does, in words, and the effects it would have.
    struct Confirmation {
        var question: String
        var effects: [DashboardEffect]
    }

    var confirmation: Confirmation?
    /// Columns the operator turned off in the column chooser (`C`), kept for the session.
    var hiddenColumns: Set<ReplicaColumn> = []
    /// The columns the replica table shows in this frame (after the chooser and the width):
    /// `s` and `S` step only through these.
    var shownColumns: Set<ReplicaColumn> = []
    /// The column chooser's cursor while it is open.
    var columnChooser: Int?
    /// The simulated loads quick `+` and `-` presses asked for, in order, and the load shown before
    /// the first: while the screen shows one of these, the next press builds on the last one asked.
    var requestedLoads: (from: Double, asked: [Double])?
    /// The dashboard's own notices (a refused theme, an export), merged into the event log.
    var notices: [RouterEvent] = []

    /// What the frame shows (set by `fit`), so keys act on what the operator sees.
    var visibleOrder: [ReplicaID] = []
    var tablePageRows = 10
    var panelPageRows = 5

    init(refreshMilliseconds: Int) {
        self.refreshMilliseconds = refreshMilliseconds
    }

    var isPaused: Bool { pausedSnapshot != nil }

    /// The replica the keys act on: the selected row, or the one in the detail view.
    var targetReplica: ReplicaID? {
        if case .detail(let id) = view { return id }
        return selectedID
    }

    mutating func notice(_ text: String, kind: RouterEvent.Kind, at time: EngineTime) {
        notices.append(RouterEvent(time: time, timeUTC: .now(), kind: kind, message: text))
        if notices.count > 50 { notices.removeFirst(notices.count - 50) }
    }

    /// Keeps the selection on the same replica after the order changed, or on the same row when
    /// that replica is gone; keeps the selected row in view.
    mutating func reconcileSelection(order: [ReplicaID], pageRows: Int) {
        visibleOrder = order
        tablePageRows = max(pageRows, 1)
        guard !order.isEmpty else {
            selectedIndex = 0
            tableScroll = 0
            return
        }
        if let id = selectedID, let index = order.firstIndex(of: id) {
            selectedIndex = index
        } else {
            selectedIndex = min(max(selectedIndex, 0), order.count - 1)
            selectedID = order[selectedIndex]
        }
        if selectedIndex < tableScroll { tableScroll = selectedIndex }
        if selectedIndex >= tableScroll + tablePageRows { tableScroll = selectedIndex - tablePageRows + 1 }
        tableScroll = min(max(tableScroll, 0), max(order.count - tablePageRows, 0))
    }

    mutating func moveSelection(by offset: Int) {
        guard !visibleOrder.isEmpty else { return }
        selectedIndex = min(max(selectedIndex + offset, 0), visibleOrder.count - 1)
        selectedID = visibleOrder[selectedIndex]
        if case .detail = view { view = .detail(visibleOrder[selectedIndex]) }
    }
}
