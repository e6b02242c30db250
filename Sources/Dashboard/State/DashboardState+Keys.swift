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
        if columnChooser != nil { return handleBinding(key, in: .columnChooser, snapshot: snapshot, readOnly: readOnly) }
        if key == .function(10) {
            requestQuit(snapshot: snapshot)
            return []
        }
        if editor != nil { return handleEditor(key, snapshot: snapshot, readOnly: readOnly) }
        if journalView != nil { return handleJournal(key, snapshot: snapshot, readOnly: readOnly) }
        if addressInput != nil { return handleAddressInput(key) }
        if showHelp { return handleBinding(key, in: .help, snapshot: snapshot, readOnly: readOnly) }
        if filterEditing, handleFilter(key) { return [] }
        return handleBinding(key, in: viewContext, snapshot: snapshot, readOnly: readOnly)
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

    var pageRows: Int {
        view == .main && focus != .replicas ? panelPageRows : tablePageRows
    }

    mutating func scroll(by offset: Int) {
        switch (view, focus) {
        case (.detail, _), (.main, .replicas): moveSelection(by: offset)
        case (.models, _): modelsScroll = max(0, modelsScroll.addingClamped(offset))
        case (.main, .timers): timersScroll = max(0, timersScroll.addingClamped(offset))
        // Down goes towards the newest line, which is at the bottom.
        case (.main, .events): eventsScroll = max(0, eventsScroll.addingClamped(-offset))
        }
    }

    mutating func changeRefresh(faster: Bool) {
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

    mutating func requestQuit(snapshot: RouterSnapshot) {
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
    private mutating func drainKey(snapshot: RouterSnapshot) -> [DashboardEffect] {
        guard let id = targetReplica else { return refuse("drain: no replica is selected") }
        let draining = snapshot.replicas.first { $0.id == id }?.state == .draining
        return draining ? [.send(.undrainReplica(id), what: "undrain \(id)")] : [.send(.drainReplica(id), what: "drain \(id)")]
    }

    /// The column chooser: arrows move, space or Enter shows or hides a column (the id always
    /// shows), Esc or `C` closes it.
    mutating func chooseColumn(_ action: KeyAction) {
        guard let cursor = columnChooser else { return }
        let all = ReplicaColumn.allCases
        switch action {
        case .columnUp: columnChooser = max(cursor - 1, 0)
        case .columnDown: columnChooser = min(cursor + 1, all.count - 1)
        case .toggleColumn:
            let column = all[cursor]
            guard column != .id else { return }
            if hiddenColumns.remove(column) == nil { hiddenColumns.insert(column) }
        default: columnChooser = nil
        }
    }

    /// A destructive binding's effects wait for `y`. Undrain gives a replica work back: nothing
    /// to lose, so it needs no question.
    mutating func askFirst(_ effects: [DashboardEffect]) -> [DashboardEffect] {
        guard !effects.isEmpty else { return effects }
        if effects.contains(where: { if case .send(.undrainReplica, _) = $0 { true } else { false } }) { return effects }
        let what = effects.compactMap { effect -> String? in
            if case .send(_, let what) = effect { return what }
            return nil
        }.joined(separator: ", ")
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

    /// `+` and `-` on the simulated fleet.
    mutating func loadKey(_ binding: KeyBinding, up: Bool, snapshot: RouterSnapshot) -> [DashboardEffect] {
        guard let shown = snapshot.simulation?.requestsPerSecond else {
            return refuse("\(binding.name): the simulated load is not known yet")
        }
        // A second press before the router's answer shows builds on the load asked for, not
        // on the one still shown, so two quick presses both count.
        var chain = requestedLoads.flatMap { $0.from == shown || $0.asked.contains(shown) ? $0 : nil }
        if chain?.asked.last == shown { chain = nil }  // every request was answered
        let load = chain?.asked.last ?? shown
        guard let next = Self.nextLoad(load, up: up) else {
            return refuse("the load is already 0 requests per second")
        }
        requestedLoads = (from: chain?.from ?? shown, asked: (chain?.asked ?? []).suffix(15) + [next])
        return [.send(.setLoad(requestsPerSecond: next), what: "load \(Format.decimal(next, places: 0))/s")]
    }

    /// The keys that change the replica set and, on the simulated fleet, inject faults.
    mutating func replicaKey(_ binding: KeyBinding, snapshot: RouterSnapshot) -> [DashboardEffect] {
        let name = binding.name
        if binding.action == .drain { return drainKey(snapshot: snapshot) }
        if case .proxy = snapshot.mode, binding.action == .addReplica {
            addressInput = ""
            return []
        }
        if case .proxy = snapshot.mode, binding.action == .removeReplica, let id = targetReplica {
            return [.send(.removeReplica(id), what: "\(name) \(id)")]
        }
        guard snapshot.mode == .simulated else {
            return refuse("\(name) works only on the simulated fleet; this router is a \(snapshot.mode)")
        }
        if binding.action == .addReplica { return [.send(.addReplica(address: nil), what: name)] }
        guard let id = targetReplica else { return refuse("\(name): no replica is selected") }
        let command: RouterCommand = switch binding.action {
        case .removeReplica: .removeReplica(id)
        case .makeUnavailable: .injectFault(id, .unavailable)
        case .kill: .injectFault(id, .kill)
        case .slowProbes: .injectFault(id, .slowProbe(delay: Self.slowProbeDelay))
        case .saturate: .injectFault(id, .saturate)
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

    mutating func refuse(_ text: String) -> [DashboardEffect] {
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
