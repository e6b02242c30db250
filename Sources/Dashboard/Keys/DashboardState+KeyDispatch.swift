import RouterAPI

/// Key dispatch through `KeyMap`: the context on screen picks the binding, its flags decide
/// refusal and confirmation, and `perform` carries out its action.
extension DashboardState {
    /// The context the key map looks keys up in: the innermost question, input or overlay on
    /// screen, else the view.
    var keyContext: KeyContext {
        // With the router gone, no question or edit can be answered: only starting it or quitting.
        if connection.routerStopped { return showHelp ? .help : .routerStopped }
        if quitPrompt { return .quitPrompt }
        if confirmation != nil { return .confirmation }
        if columnChooser != nil { return .columnChooser }
        if editor != nil { return .editor }
        if let journal = journalView {
            if journal.offer != nil { return .journalRevert }
            if journal.filterEditing { return .journalFilter }
            return journal.showing != nil ? .journalEntry : .journal
        }
        if addressInput != nil { return .addressInput }
        if let lookup = traceLookup { return lookup.phase == .typing ? .traceInput : .trace }
        if showHelp { return .help }
        return filterEditing ? .filter : viewContext
    }

    /// The context of the view on screen, for looking keys up in the key map.
    var viewContext: KeyContext {
        switch view {
        case .main: .main
        case .detail: .detail
        case .models: .models
        }
    }

    /// What the key map makes of a key in the views: nothing, a refusal, or a binding to perform
    /// (asking first when it is destructive here).
    enum KeyDecision: Equatable {
        case ignored
        case refused(String)
        case perform(KeyAction, asksFirst: Bool)
    }

    /// Decides from `KeyMap` and the binding's flags alone: read-only refusal, the simulated
    /// fleet's own keys and the destructive question are never repeated per key.
    func decide(_ key: Key, in context: KeyContext, snapshot: RouterSnapshot, readOnly: Bool) -> KeyDecision {
        guard let binding = KeyMap.binding(for: key, in: context) else { return .ignored }
        if binding.trialOnly, snapshot.trial == nil { return .ignored }
        if binding.refusedReadOnly, readOnly { return .refused("read-only: \(binding.name) is refused") }
        if binding.restartsRouter, !canRestartRouter {
            return .refused("this dashboard did not start the router; start it again with its own command")
        }
        if binding.simulatedOnly, snapshot.mode != .simulated {
            return .refused("\(binding.name) works only on the simulated fleet; this router is a \(snapshot.mode)")
        }
        let isProxy = if case .proxy = snapshot.mode { true } else { false }
        let asks = switch binding.confirm {
        case .never: false
        case .always: true
        case .inProxy: isProxy
        }
        return .perform(binding.action, asksFirst: asks)
    }

    /// `update(model, key) -> (model, effects)`: every key goes through the key map in the
    /// context on screen.
    mutating func handle(_ key: Key, snapshot: RouterSnapshot, readOnly: Bool) -> [DashboardEffect] {
        if key == .resize { return [] }
        let context = keyContext
        switch decide(key, in: context, snapshot: snapshot, readOnly: readOnly) {
        case .ignored: return []
        case .refused(let reason): return refuse(reason)
        case .perform(_, let asksFirst):
            guard let binding = KeyMap.binding(for: key, in: context) else { return [] }
            let effects = perform(binding, key: key, snapshot: snapshot)
            return asksFirst ? askFirst(effects) : effects
        }
    }

    /// Carries out a binding's action (read-only and fleet checks are already done).
    private mutating func perform(_ binding: KeyBinding, key: Key, snapshot: RouterSnapshot) -> [DashboardEffect] {
        switch binding.action {
        case .quit: requestQuit(snapshot: snapshot)
        case .showHelp: showHelp = true
        case .editParameters: editor = ParameterForm(base: snapshot.settings)
        case .moveUp: scroll(by: -1)
        case .moveDown: scroll(by: 1)
        case .pageUp: scroll(by: -pageRows)
        case .pageDown: scroll(by: pageRows)
        case .first: scroll(by: -Int.max / 2)
        case .last: scroll(by: Int.max / 2)
        case .nextPanel: focus = Panel(rawValue: (focus.rawValue + 1) % Panel.allCases.count)!
        case .previousPanel:
            focus = Panel(rawValue: (focus.rawValue + Panel.allCases.count - 1) % Panel.allCases.count)!
        case .openDetail:
            if let id = selectedID, visibleOrder.contains(id) { view = .detail(id) }
        case .back:
            if view != .main {
                view = .main
            } else if !filter.isEmpty {
                filter = ""
            } else {
                status = nil
            }
        case .nextSort, .previousSort:
            sort = binding.action == .nextSort ? sort.next(among: shownColumns) : sort.previous(among: shownColumns)
            status = Status(text: "sorted by \(sort.column.longTitle)", kind: .info)
        case .reverseSort:
            sort.descending.toggle()
            status = Status(text: "sorted by \(sort.column.longTitle), \(sort.descending ? "descending" : "ascending")",
                            kind: .info)
        case .filter:
            filterEditing = true
            view = .main
        case .togglePause: pausedSnapshot = pausedSnapshot == nil ? snapshot : nil
        case .nextTheme: return [.nextTheme]
        case .refreshFaster: changeRefresh(faster: true)
        case .refreshSlower: changeRefresh(faster: false)
        case .undo: return [.send(.settings(.undo), what: "undo")]
        case .columnChooser: columnChooser = 0
        case .exportSettings: return [.export(snapshot.settings)]
        case .exportRecording: return [.exportRecording]
        case .suggest:
            if case .searching = whatIf.search { return refuse("suggest: a search is running already") }
            whatIf.search = .searching(done: 0, planned: 0)
            whatIf.nextSuggestion = 0
            return [.suggest]
        case .takeSuggestion: takeSuggestion()
        case .toggleModels:
            view = view == .models ? .main : .models
            modelsScroll = 0
        case .openJournal:
            journalView = JournalViewState()
            return [.loadJournal]
        case .confirmTrial: return [.send(.settings(.confirm), what: "confirm trial")]
        case .moreLoad, .lessLoad: return loadKey(binding, up: binding.action == .moreLoad, snapshot: snapshot)
        case .addReplica, .removeReplica, .drain, .makeUnavailable, .kill, .slowProbes, .saturate, .recover:
            return replicaKey(binding, snapshot: snapshot)
        case .closeHelp: showHelp = false
        case .nextHelpPage: helpPage = helpPage.next
        case .previousHelpPage: helpPage = helpPage.next.next
        case .columnUp, .columnDown, .toggleColumn, .closeColumnChooser: chooseColumn(binding.action)
        case .acceptText, .cancelText, .deleteBackward, .clearText, .typeText, .previousField, .nextField:
            return editText(binding.action, key: key, snapshot: snapshot)
        case .closeJournal, .filterJournal, .showEntry, .closeEntry, .offerRevert, .revert, .cancelRevert:
            return journalKey(binding.action, snapshot: snapshot)
        case .stopRouter, .detach, .cancelQuit: return answerQuitPrompt(binding.action)
        case .confirm, .cancelConfirmation: return answerConfirmation(binding.action)
        case .restartRouter: return [.restartRouter]
        case .lookUpTrace, .closeTrace, .nextRecentRequest, .previousRecentRequest, .showRecentTrace:
            return traceKey(binding.action)
        }
        return []
    }
}
