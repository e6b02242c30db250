import RouterAPI

/// What the views' keys do: scrolling, refresh, quitting, load and replica changes.
extension DashboardState {
    /// The delay `w` gives a replica's probes: longer than the default probe deadline (0.1 s), so
    /// probes time out and the deadline doubling shows, but shorter than the 1 s maximum.
    static let slowProbeDelay: Duration = .milliseconds(300)
    /// The refresh intervals `<` and `>` step through, in milliseconds.
    static let refreshSteps = [50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000]

    var pageRows: Int {
        if journalView != nil { return JournalViewState.pageRows }
        return view == .main && focus != .replicas ? panelPageRows : tablePageRows
    }

    mutating func scroll(by offset: Int) {
        if let lookup = traceLookup {
            traceLookup?.scroll = max(0, lookup.scroll.addingClamped(offset))
            return
        }
        if journalView != nil {
            journalView?.move(by: offset)
            return
        }
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
        guard connection != .inProcess, !connection.routerStopped, case .proxy = snapshot.mode else { return false }
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
}

extension Int {
    func addingClamped(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
