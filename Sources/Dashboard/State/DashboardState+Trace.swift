import RouterAPI

/// A request's trace: `T` asks for an id; in the replica detail, Tab selects one of its recent
/// requests and Enter shows that one's trace.
extension DashboardState {
    mutating func traceKey(_ action: KeyAction) -> [DashboardEffect] {
        switch action {
        case .lookUpTrace:
            traceLookup = TraceLookup()
        case .closeTrace:
            traceLookup = nil
        case .nextRecentRequest, .previousRecentRequest:
            selectRecentRequest(by: action == .nextRecentRequest ? 1 : -1)
        case .showRecentTrace:
            guard let recent = recentRequests, let number = recent.selected,
                  let trace = recent.traces.first(where: { $0.request == number }) else {
                return refuse("no request selected: Tab selects one of the replica's recent requests")
            }
            traceLookup = TraceLookup(id: "req-\(number)", phase: .shown(trace))
        default:
            break
        }
        return []
    }

    /// Moves the selection among the recent requests listed, wrapping at either end.
    private mutating func selectRecentRequest(by step: Int) {
        guard var recent = recentRequests, !recent.traces.isEmpty else {
            status = Status(text: "no recent requests of this replica to select (the router keeps the last traces only)",
                            kind: .info)
            return
        }
        let count = recent.traces.count
        let current = recent.selected.flatMap { number in recent.traces.firstIndex { $0.request == number } }
        let next = current.map { ($0 + step + count) % count } ?? (step > 0 ? 0 : count - 1)
        recent.selected = recent.traces[next].request
        recentRequests = recent
    }

    /// Typing the id: Enter asks the router, Esc gives up.
    mutating func editTraceID(_ action: KeyAction, typed: Character?) -> [DashboardEffect] {
        guard var lookup = traceLookup else { return [] }
        switch action {
        case .cancelText:
            traceLookup = nil
            return []
        case .acceptText:
            if lookup.id.isEmpty { return refuse("trace lookup: no request id was typed") }
            lookup.phase = .loading
            traceLookup = lookup
            return [.loadTrace(lookup.id)]
        case .deleteBackward: if !lookup.id.isEmpty { lookup.id.removeLast() }
        case .clearText: lookup.id = ""
        case .typeText:
            // An id has no spaces; typing past the limit is ignored.
            if let typed, !typed.isWhitespace, lookup.id.count < TraceLookup.idLimit { lookup.id.append(typed) }
        default: break
        }
        traceLookup = lookup
        return []
    }
}
