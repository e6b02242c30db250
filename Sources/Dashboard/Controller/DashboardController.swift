import Foundation
import RouterAPI

/// The dashboard's model and update loop: turns keys into state changes and router commands,
/// and renders the state with the latest snapshot into a `Screen`.
///
/// Used only on the UI thread (it is not `Sendable`); command results arrive on any thread
/// through a lock-protected inbox and show on the next frame.
public final class DashboardController {
    private let control: any RouterControl
    private let configuration: DashboardConfiguration
    private var state: DashboardState
    private let inbox = CommandInbox()
    private let journalInbox = JournalInbox()
    private let whatIfInbox = WhatIfInbox()
    private let traceInbox = TraceInbox()
    /// When the replica detail last asked for its recent requests, and whether the answer is due.
    private var recentAskedAt: ContinuousClock.Instant?
    private var recentInFlight = false
    /// How often the replica detail refreshes its recent requests.
    static let recentRefresh: Duration = .seconds(1)
    /// The edited settings the form last described, and when they last changed (for the debounce).
    private var lastEdited: RouterSettings?
    private var lastEditAt = ContinuousClock.now
    private var whatIfInFlight = false
    /// How long the form must rest before its what-if is computed.
    static let whatIfDebounce: Duration = .milliseconds(300)
    private var lastSnapshot: RouterSnapshot?
    private var sampler = SecondSampler()
    /// The newest event already seen, so a settings change by someone else shows once as a banner.
    private var lastSeenEvent: UInt64?
    /// Settings commands this dashboard sent whose change has not yet shown in the events: those
    /// changes are ours, every other one is announced.
    private var ownSettingsChanges = 0
    /// The theme `t` tried last, so a refused theme file is stepped over on the next press.
    private var lastTriedTheme: String?
    /// The status line's message and the router time it first showed at, so it can fade.
    private var statusShown: (status: DashboardState.Status, at: EngineTime)?
    /// How long a status message stays, in router time (it stays while the display is paused).
    static let statusLifetime: Duration = .seconds(10)
    public private(set) var theme: Theme

    public init(control: any RouterControl, configuration: DashboardConfiguration, theme: Theme) {
        self.control = control
        self.configuration = configuration
        self.theme = theme
        self.state = DashboardState(refreshMilliseconds: configuration.refreshMilliseconds)
        state.canRestartRouter = configuration.restartRouter != nil
    }

    /// True once the operator asked to quit.
    public var wantsQuit: Bool { state.wantsQuit }

    /// True when the operator quit by stopping the router (`q`, then `s`), rather than detaching.
    public private(set) var stoppedRouter = false

    /// The refresh interval now, in milliseconds (`<` and `>` change it).
    public var refreshMilliseconds: Int { state.refreshMilliseconds }

    /// True while the display is frozen (`p`); the router keeps running.
    public var isPaused: Bool { state.isPaused }

    /// True while the parameter editor is open.
    public var isEditing: Bool { state.editor != nil }

    /// The editor's form while it is open.
    public var editorForm: ParameterForm? { state.editor }

    /// Handles one key.
    public func handle(_ key: Key) {
        let snapshot = displayedSnapshot()
        let effects = state.handle(key, snapshot: snapshot, readOnly: configuration.readOnly)
        for effect in effects { perform(effect, snapshot: snapshot) }
    }

    /// The whole frame at `size`, from the latest snapshot (or the frozen one while paused).
    public func render(size: TerminalSize) -> Screen {
        applyDeliveries()
        applyTraces()
        askRecentRequests()
        applyWhatIf()
        askWhatIf()
        let wasStopped = state.connection.routerStopped
        state.connection = control.connection
        if state.connection.routerStopped, !wasStopped { state.routerStopped() }
        state.connectionText = state.connection.text(now: Date())
        let snapshot = sampler.apply(to: state.pausedSnapshot ?? control.latestSnapshot())
        announceOthersChanges(in: snapshot)
        lastSnapshot = snapshot
        expireStatus(now: snapshot.time)
        // Update, then view: the frame's plan fits the state, and the renderer only reads it.
        let plan = FramePlan(snapshot: snapshot, state: state, size: size, readOnly: configuration.readOnly)
        if let plan { state.fit(to: plan, snapshot: snapshot) }
        let renderer = FrameRenderer(snapshot: snapshot, configuration: configuration, themeName: theme.name)
        return renderer.render(size: size, plan: plan, state: state)
    }

    /// A settings change made by another operator (or another dashboard) shows in the status line, once.
    private func announceOthersChanges(in snapshot: RouterSnapshot) {
        let newest = snapshot.events.last?.sequence ?? 0
        defer { lastSeenEvent = max(lastSeenEvent ?? 0, newest) }
        guard let seen = lastSeenEvent else { return }
        for event in snapshot.events where event.sequence > seen && event.kind == .settings {
            if ownSettingsChanges > 0 {
                ownSettingsChanges -= 1
            } else {
                state.status = DashboardState.Status(text: event.message, kind: .info)
            }
        }
    }

    private func expireStatus(now: EngineTime) {
        guard let status = state.status else {
            statusShown = nil
            return
        }
        guard let shown = statusShown, shown.status == status else {
            statusShown = (status, now)
            return
        }
        if now - shown.at > Self.statusLifetime {
            state.status = nil
            statusShown = nil
        }
    }

    private func displayedSnapshot() -> RouterSnapshot {
        if let paused = state.pausedSnapshot { return paused }
        if let lastSnapshot { return lastSnapshot }
        let latest = control.latestSnapshot()
        lastSnapshot = latest
        return latest
    }

    private func perform(_ effect: DashboardEffect, snapshot: RouterSnapshot) {
        switch effect {
        case .send(let command, let what):
            state.status = DashboardState.Status(text: "\(what): sent", kind: .info)
            if command.changesSettings { ownSettingsChanges += 1 }
            let inbox = self.inbox
            control.perform(command, by: configuration.origin) { @Sendable result in
                inbox.deliver(result, for: command, what: what)
            }
        case .export(let settings):
            switch SettingsExporter.export(settings, to: configuration.exportDirectory) {
            case .success(let path):
                state.status = DashboardState.Status(text: "settings exported to \(path)", kind: .done)
                state.notice("settings exported to \(path)", kind: .info, at: snapshot.time)
            case .failure(let error):
                state.status = DashboardState.Status(
                    text: "export refused: \(error.path): \(error.reason)", kind: .refused
                )
            }
        case .nextTheme:
            switchTheme(at: snapshot.time)
        case .suggest:
            let inbox = whatIfInbox
            control.suggest(within: .defaults, progress: { inbox.progress($0, of: $1) }) { inbox.deliver($0) }
        case .exportRecording:
            let inbox = self.inbox
            let directory = configuration.exportDirectory
            state.status = DashboardState.Status(text: "export recording: sent", kind: .info)
            control.recording { result in
                // Some megabytes of JSON: written off the router's loop and the screen's thread.
                DispatchQueue.global().async {
                    switch result {
                    case .failure(let error):
                        inbox.deliver(.refused(error.message), for: nil, what: "export recording")
                    case .success(let recording):
                        switch RecordingExporter.export(recording, to: directory) {
                        case .success(let path): inbox.deliver(.done("written to \(path)"), for: nil, what: "export recording")
                        case .failure(let error): inbox.deliver(.refused("\(error.path): \(error.reason)"), for: nil, what: "export recording")
                        }
                    }
                }
            }
        case .loadJournal:
            let journalInbox = self.journalInbox
            control.journal { journalInbox.deliver($0) }
        case .loadTrace(let id):
            let traceInbox = self.traceInbox
            control.traces(limit: .max) { traceInbox.deliver($0, for: .lookup(id)) }
        case .restartRouter:
            guard let restart = configuration.restartRouter else { return }
            state.status = DashboardState.Status(text: "starting the router again with the same command line", kind: .info)
            let inbox = self.inbox
            // Starting waits for the router's socket; the screen keeps drawing meanwhile.
            Thread.detachNewThread { inbox.deliver(restart(), for: nil, what: "start the router") }
        }
    }

    /// Asks for the edited settings' what-if once the form has rested, one computation at a time.
    private func askWhatIf() {
        guard let form = state.editor else {
            lastEdited = nil
            return
        }
        let edited = form.validate().settings
        let now = ContinuousClock.now
        if edited != lastEdited {
            lastEdited = edited
            lastEditAt = now
        }
        // The form as opened is asked at once; an edited one once it has rested.
        let rested = state.whatIf.requested == nil || now - lastEditAt >= Self.whatIfDebounce
        guard let edited, !whatIfInFlight, state.whatIf.requested != edited, rested else { return }
        state.whatIf.requested = edited
        state.whatIf.figures = .computing
        whatIfInFlight = true
        let inbox = whatIfInbox
        control.whatIf(edited) { inbox.deliver($0, for: edited) }
    }

    private func applyWhatIf() {
        let delivered = whatIfInbox.take()
        if let (edited, result) = delivered.figures {
            whatIfInFlight = false
            if state.editor != nil, state.whatIf.requested == edited {
                switch result {
                case .success(let reply): state.whatIf.figures = .ready(reply)
                case .failure(let error): state.whatIf.figures = .unavailable(error.message)
                }
            }
        }
        guard state.editor != nil else { return }
        if let (done, planned) = delivered.progress, case .searching = state.whatIf.search {
            state.whatIf.search = .searching(done: done, planned: planned)
        }
        if let result = delivered.suggestion {
            switch result {
            case .success(let reply):
                state.whatIf.search = .ready(reply)
                state.status = DashboardState.Status(
                    text: reply.suggestions.isEmpty ? "suggest: nothing beats the live settings without more routing timeouts"
                        : "suggest: \(reply.suggestions.count) found; F7 puts one into the form", kind: .done)
            case .failure(let error):
                state.whatIf.search = .failed(error.message)
            }
        }
    }

    /// The replica detail lists the replica's recent requests: asked when it opens or shows another
    /// replica, then once a second, one request at a time.
    private func askRecentRequests() {
        guard case .detail(let id) = state.view else {
            state.recentRequests = nil
            return
        }
        if state.recentRequests?.replica != id {
            state.recentRequests = RecentRequests(replica: id)
            recentAskedAt = nil
        }
        let now = ContinuousClock.now
        guard !recentInFlight, recentAskedAt.map({ now - $0 >= Self.recentRefresh }) ?? true else { return }
        recentAskedAt = now
        recentInFlight = true
        let traceInbox = self.traceInbox
        control.traces(limit: RecentRequests.scanned) { traceInbox.deliver($0, for: .recent(id)) }
    }

    private func applyTraces() {
        for (purpose, log) in traceInbox.drain() {
            switch purpose {
            case .lookup(let id):
                guard var lookup = state.traceLookup, lookup.id == id, lookup.phase == .loading else { continue }
                lookup.deliver(log)
                state.traceLookup = lookup
            case .recent(let replica):
                recentInFlight = false
                guard state.recentRequests?.replica == replica else { continue }
                state.recentRequests?.traces = RecentRequests.of(replica, in: log)
            }
        }
    }

    private func switchTheme(at time: EngineTime) {
        let names = Theme.available(in: configuration.themeSearchDirectories)
        guard !names.isEmpty else {
            state.status = DashboardState.Status(text: "no other theme: no theme files were found", kind: .refused)
            return
        }
        let current = names.firstIndex(of: lastTriedTheme ?? theme.name)
        let next = names[current.map { ($0 + 1) % names.count } ?? 0]
        lastTriedTheme = next
        do {
            theme = try Theme.load(next, searchDirectories: configuration.themeSearchDirectories)
            let summary = theme.summary.map { ": \($0)" } ?? ""
            state.status = DashboardState.Status(text: "theme \(theme.name)\(summary)", kind: .info)
        } catch {
            state.status = DashboardState.Status(text: "theme refused: \(error)", kind: .refused)
            state.notice("theme refused: \(error)", kind: .warning, at: time)
        }
    }


    private func applyDeliveries() {
        if let reply = journalInbox.take(), state.journalView != nil {
            switch reply {
            case .success(let journal):
                state.journalView?.replaceEntries(journal.entries)
                state.journalView?.problems = journal.problems
            case .failure(let error):
                state.journalView?.entries = []
                state.journalView?.problems = [error.message]
            }
        }
        for delivery in inbox.drain() {
            switch delivery.result {
            case .done(let message):
                if delivery.command == .stopRouting, state.stoppingRouter {
                    stoppedRouter = true
                    state.wantsQuit = true
                }
                if case .settings(.revert) = delivery.command, state.journalView != nil {
                    let journalInbox = self.journalInbox
                    control.journal { journalInbox.deliver($0) }
                }
                let text = message.isEmpty ? "\(delivery.what): done" : "\(delivery.what): \(message)"
                state.status = DashboardState.Status(text: text, kind: .done)
            case .refused(let reason):
                if delivery.command == .stopRouting { state.stoppingRouter = false }
                if case .addReplica(let url?) = delivery.command, state.addressInput == nil,
                   let sent = state.addressSent, sent.url == url {
                    // The typed address comes back to be corrected, not typed again.
                    state.addressInput = sent.typed
                    state.addressSent = nil
                }
                // A refused change makes no event.
                if delivery.command?.changesSettings == true { ownSettingsChanges = max(0, ownSettingsChanges - 1) }
                state.status = DashboardState.Status(text: "\(delivery.what) refused: \(reason)", kind: .refused)
            }
        }
    }
}
