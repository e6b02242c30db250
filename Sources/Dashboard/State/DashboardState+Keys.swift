import RouterAPI

/// Key handling: `update(model, key) -> (model, effects)` with the snapshot on screen as context.
extension DashboardState {
    /// The delay `w` gives a replica's probes: longer than the default probe deadline (0.1 s), so
    /// probes time out and the deadline doubling shows, but shorter than the 1 s maximum.
    static let slowProbeDelay: Duration = .milliseconds(300)
    /// The refresh intervals `<` and `>` step through, in milliseconds.
    static let refreshSteps = [50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000]

    mutating func handle(_ key: Key, snapshot: RouterSnapshot, readOnly: Bool) -> [DashboardEffect] {
        if key == .resize { return [] }
        if quitPrompt { return handleQuitPrompt(key, snapshot: snapshot, readOnly: readOnly) }
        if let confirmation { return answerConfirmation(confirmation, key: key) }
        if let cursor = columnChooser {
            handleColumnChooser(key, cursor: cursor)
            return []
        }
        if key == .function(10) {
            requestQuit(snapshot: snapshot)
            return []
        }
        if editor != nil { return handleEditor(key, snapshot: snapshot, readOnly: readOnly) }
        if journalView != nil { return handleJournal(key, snapshot: snapshot, readOnly: readOnly) }
        if addressInput != nil { return handleAddressInput(key) }
        if showHelp {
            switch key {
            case .character("q"): requestQuit(snapshot: snapshot)
            case .escape, .character("?"), .function(1), .enter: showHelp = false
            case .tab, .right, .character("l"): helpPage = helpPage.next
            case .backTab, .left: helpPage = helpPage.next.next
            default: break
            }
            return []
        }
        if filterEditing, handleFilter(key) { return [] }
        return handleMain(key, snapshot: snapshot, readOnly: readOnly)
    }

    private mutating func handleFilter(_ key: Key) -> Bool {
        switch key {
        case .enter:
            filterEditing = false
        case .escape:
            filter = ""
            filterEditing = false
        case .backspace:
            if !filter.isEmpty { filter.removeLast() }
        case .delete:
            filter = ""
        case .character(let character) where !character.isNewline:
            filter.append(character)
            tableScroll = 0
        default:
            return false
        }
        return true
    }

    private mutating func handleMain(_ key: Key, snapshot: RouterSnapshot, readOnly: Bool) -> [DashboardEffect] {
        switch key {
        case .character("q"):
            requestQuit(snapshot: snapshot)
        case .character("?"), .function(1):
            showHelp = true
        case .character("e"), .function(4):
            if readOnly { return refuse("read-only: editing parameters is refused") }
            editor = ParameterForm(base: snapshot.settings)
        case .up, .character("k"): scroll(by: -1)
        case .down, .character("j"): scroll(by: 1)
        case .pageUp: scroll(by: -pageRows)
        case .pageDown: scroll(by: pageRows)
        case .home: scroll(by: -Int.max / 2)
        case .end: scroll(by: Int.max / 2)
        case .tab: if view == .main { focus = Panel(rawValue: (focus.rawValue + 1) % Panel.allCases.count)! }
        case .backTab:
            if view == .main {
                focus = Panel(rawValue: (focus.rawValue + Panel.allCases.count - 1) % Panel.allCases.count)!
            }
        case .enter:
            if view == .main, let id = selectedID, visibleOrder.contains(id) { view = .detail(id) }
        case .escape:
            if view != .main {
                view = .main
            } else if !filter.isEmpty {
                filter = ""
            } else {
                status = nil
            }
        case .character("s"), .function(6):
            sort = sort.next()
            status = Status(text: "sorted by \(sort.column.longTitle)", kind: .info)
        case .character("S"):
            sort.descending.toggle()
        case .character("/"):
            filterEditing = true
            view = .main
        case .character("p"), .character(" "):
            if pausedSnapshot == nil {
                pausedSnapshot = snapshot
            } else {
                pausedSnapshot = nil
            }
        case .character("t"), .function(9):
            return [.nextTheme]
        case .character("<"):
            changeRefresh(faster: true)
        case .character(">"):
            changeRefresh(faster: false)
        case .character("z"):
            if readOnly { return refuse("read-only: undo is refused") }
            return [.send(.undoSettings, what: "undo")]
        case .character("C"):
            columnChooser = 0
        case .character("E"):
            if readOnly { return refuse("read-only: export is refused") }
            return [.export(snapshot.settings)]
        case .character("m"):
            view = view == .models ? .main : .models
            modelsScroll = 0
        case .character("J"):
            journalView = JournalViewState()
            return [.loadJournal]
        case .character("c") where snapshot.trial != nil:
            if readOnly { return refuse("read-only: confirming a trial is refused") }
            return [.send(.confirmSettings, what: "confirm trial")]
        case .character(let character):
            return fleetKey(character, snapshot: snapshot, readOnly: readOnly)
        default:
            break
        }
        return []
    }

    private var pageRows: Int {
        view == .main && focus != .replicas ? panelPageRows : tablePageRows
    }

    private mutating func scroll(by offset: Int) {
        switch (view, focus) {
        case (.detail, _), (.main, .replicas): moveSelection(by: offset)
        case (.models, _): modelsScroll = max(0, modelsScroll.addingClamped(offset))
        case (.main, .timers): timersScroll = max(0, timersScroll.addingClamped(offset))
        // Down goes towards the newest line, which is at the bottom.
        case (.main, .events): eventsScroll = max(0, eventsScroll.addingClamped(-offset))
        }
    }

    private mutating func changeRefresh(faster: Bool) {
        let steps = Self.refreshSteps
        let next = faster
            ? steps.last(where: { $0 < refreshMilliseconds })
            : steps.first(where: { $0 > refreshMilliseconds })
        guard let next else {
            let limit = faster ? "fastest" : "slowest"
            status = Status(text: "refresh is already the \(limit) allowed (\(refreshMilliseconds) ms)", kind: .refused)
            return
        }
        refreshMilliseconds = next
        status = Status(text: "refresh every \(next) ms", kind: .info)
    }

    /// True when quitting this dashboard would leave a router routing real traffic in another
    /// process, so `q` asks whether to stop it.
    private func routesElsewhere(_ snapshot: RouterSnapshot) -> Bool {
        guard connection != .inProcess, case .proxy = snapshot.mode else { return false }
        return true
    }

    private mutating func requestQuit(snapshot: RouterSnapshot) {
        if routesElsewhere(snapshot) {
            quitPrompt = true
            showHelp = false
        } else {
            wantsQuit = true
        }
    }

    private mutating func handleQuitPrompt(_ key: Key, snapshot: RouterSnapshot, readOnly: Bool) -> [DashboardEffect] {
        switch key {
        case .character("s"), .character("S"):
            quitPrompt = false
            if readOnly { return refuse("read-only: stopping the router is refused; d detaches") }
            stoppingRouter = true
            return [.send(.stopRouting, what: "stop routing")]
        case .character("d"), .character("D"), .character("q"), .function(10):
            quitPrompt = false
            wantsQuit = true
        default:
            quitPrompt = false
            status = Status(text: "quit cancelled: still attached; the router keeps routing", kind: .info)
        }
        return []
    }

    private mutating func handleAddressInput(_ key: Key) -> [DashboardEffect] {
        guard var text = addressInput else { return [] }
        switch key {
        case .escape:
            addressInput = nil
            status = Status(text: "add replica cancelled", kind: .info)
        case .enter:
            addressInput = nil
            if text.isEmpty { return refuse("add replica: no URL was typed") }
            return [.send(.addReplica(address: text), what: "add replica \(text)")]
        case .backspace:
            if !text.isEmpty { text.removeLast() }
            addressInput = text
        case .delete:
            addressInput = ""
        case .character(let character) where !character.isNewline && !character.isWhitespace:
            if text.count < 256 { text.append(character) }
            addressInput = text
        default:
            break
        }
        return []
    }

    /// `D`: drain the selected replica, or let a draining one take requests again.
    private mutating func drainKey(snapshot: RouterSnapshot, readOnly: Bool) -> [DashboardEffect] {
        if readOnly { return refuse("read-only: drain is refused") }
        guard let id = targetReplica else { return refuse("drain: no replica is selected") }
        let draining = snapshot.replicas.first { $0.id == id }?.state == .draining
        return draining ? [.send(.undrainReplica(id), what: "undrain \(id)")] : [.send(.drainReplica(id), what: "drain \(id)")]
    }

    /// The column chooser: arrows move, space or Enter shows or hides a column (the id always
    /// shows), Esc or `C` closes it.
    private mutating func handleColumnChooser(_ key: Key, cursor: Int) {
        let all = ReplicaColumn.allCases
        switch key {
        case .up, .character("k"): columnChooser = max(cursor - 1, 0)
        case .down, .character("j"): columnChooser = min(cursor + 1, all.count - 1)
        case .character(" "), .enter:
            let column = all[cursor]
            guard column != .id else { return }
            if hiddenColumns.remove(column) == nil { hiddenColumns.insert(column) }
        case .escape, .character("C"), .character("q"): columnChooser = nil
        default: break
        }
    }

    /// Destructive keys (remove, kill, drain in proxy mode) ask first; `y` carries them out.
    private mutating func fleetKey(_ character: Character, snapshot: RouterSnapshot, readOnly: Bool) -> [DashboardEffect] {
        let effects = fleetKeyEffects(character, snapshot: snapshot, readOnly: readOnly)
        let isProxy = if case .proxy = snapshot.mode { true } else { false }
        let destructive = character == "d" || character == "x" || (character == "D" && isProxy)
        guard destructive, !effects.isEmpty else { return effects }
        let what = effects.compactMap { effect -> String? in
            if case .send(_, let what) = effect { return what }
            return nil
        }.joined(separator: ", ")
        // Undrain gives a replica work back: nothing to lose, so it needs no question.
        if effects.contains(where: { if case .send(.undrainReplica, _) = $0 { true } else { false } }) { return effects }
        confirmation = Confirmation(question: what, effects: effects)
        status = Status(text: "\(what)? y confirms, any other key cancels", kind: .info)
        return []
    }

    private mutating func answerConfirmation(_ asked: Confirmation, key: Key) -> [DashboardEffect] {
        confirmation = nil
        guard key == .character("y") else {
            status = Status(text: "\(asked.question): cancelled; nothing changed", kind: .info)
            return []
        }
        return asked.effects
    }

    /// The keys that change the replica set and, on the simulated fleet, its load and faults.
    private mutating func fleetKeyEffects(_ character: Character, snapshot: RouterSnapshot, readOnly: Bool) -> [DashboardEffect] {
        if character == "D" { return drainKey(snapshot: snapshot, readOnly: readOnly) }
        let names: [Character: String] = [
            "+": "more load", "-": "less load", "a": "add replica", "d": "remove replica",
            "u": "make unavailable", "x": "kill", "w": "slow probes", "f": "saturate", "r": "recover",
        ]
        guard let name = names[character] else { return [] }
        if readOnly { return refuse("read-only: \(name) is refused") }
        if case .proxy = snapshot.mode, character == "a" {
            addressInput = ""
            return []
        }
        if case .proxy = snapshot.mode, character == "d", let id = targetReplica {
            return [.send(.removeReplica(id), what: "\(name) \(id)")]
        }
        guard snapshot.mode == .simulated else {
            return refuse("\(name) works only on the simulated fleet; this router is a \(snapshot.mode)")
        }
        switch character {
        case "+", "-":
            guard let shown = snapshot.simulation?.requestsPerSecond else {
                return refuse("\(name): the simulated load is not known yet")
            }
            // A second press before the router's answer shows builds on the load asked for, not
            // on the one still shown, so two quick presses both count.
            var chain = requestedLoads.flatMap { $0.from == shown || $0.asked.contains(shown) ? $0 : nil }
            if chain?.asked.last == shown { chain = nil }  // every request was answered
            let load = chain?.asked.last ?? shown
            guard let next = Self.nextLoad(load, up: character == "+") else {
                return refuse("the load is already 0 requests per second")
            }
            requestedLoads = (from: chain?.from ?? shown, asked: (chain?.asked ?? []).suffix(15) + [next])
            return [.send(.setLoad(requestsPerSecond: next), what: "load \(Format.decimal(next, places: 0))/s")]
        case "a":
            return [.send(.addReplica(address: nil), what: name)]
        default:
            break
        }
        guard let id = targetReplica else { return refuse("\(name): no replica is selected") }
        let command: RouterCommand = switch character {
        case "d": .removeReplica(id)
        case "u": .injectFault(id, .unavailable)
        case "x": .injectFault(id, .kill)
        case "w": .injectFault(id, .slowProbe(delay: Self.slowProbeDelay))
        case "f": .injectFault(id, .saturate)
        default: .recover(id)
        }
        return [.send(command, what: "\(name) \(id)")]
    }

    /// The load one `+` or `-` away: a quarter more or less, at least one request per second.
    static func nextLoad(_ load: Double, up: Bool) -> Double? {
        let current = max(load, 0)
        if up { return max((current * 1.25).rounded(), current + 1) }
        if current <= 0 { return nil }
        return max(min((current / 1.25).rounded(), current - 1), 0)
    }

    private mutating func refuse(_ text: String) -> [DashboardEffect] {
        status = Status(text: text, kind: .refused)
        return []
    }

    private mutating func handleEditor(_ key: Key, snapshot: RouterSnapshot, readOnly: Bool) -> [DashboardEffect] {
        guard var form = editor else { return [] }
        defer { if editor != nil { editor = form } }
        switch key {
        case .escape:
            editor = nil
            status = Status(text: "edit cancelled; nothing changed", kind: .info)
        case .enter:
            let validation = form.validate()
            guard let settings = validation.settings else {
                let first = ParameterForm.fields.first { validation.errors[$0] != nil }
                let why = first.flatMap { key in validation.errors[key].map { "\(key.label) \($0.reason)" } } ?? "invalid"
                status = Status(text: "not applied: \(why)", kind: .refused)
                return []
            }
            if readOnly {
                editor = nil
                return refuse("read-only: editing parameters is refused")
            }
            let trial: Int?
            switch form.trialSeconds() {
            case .failure(let error):
                status = Status(text: "not applied: \(ParameterForm.trialLabel) \(error.reason)", kind: .refused)
                return []
            case .success(let seconds): trial = seconds
            }
            editor = nil
            if settings == snapshot.settings {
                status = Status(text: "nothing to apply: the form equals the live settings", kind: .info)
                return []
            }
            if let trial {
                return [.send(.applySettingsOnTrial(settings, seconds: trial, session: nil), what: "apply on trial (\(trial) s)")]
            }
            return [.send(.applySettings(settings), what: "apply settings")]
        case .up, .backTab: form.moveFocus(by: -1)
        case .down, .tab: form.moveFocus(by: 1)
        case .backspace: form.deleteBackward()
        case .delete: form.clearField()
        case .character(let character) where !character.isNewline:
            // Control characters (Ctrl-U) clear the field; anything else is typed and validated.
            if character == "\u{15}" { form.clearField() } else { form.type(character) }
        default:
            break
        }
        return []
    }
}

extension Int {
    func addingClamped(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
