import RouterEngine

/// The event log: newest at the bottom, scrollable back in time.
enum EventLogView {
    /// The router's events and the dashboard's own notices, in time order.
    static func merged(_ events: [RouterEvent], _ notices: [RouterEvent]) -> [RouterEvent] {
        guard !notices.isEmpty else { return events }
        var result: [RouterEvent] = []
        result.reserveCapacity(events.count + notices.count)
        var i = 0, j = 0
        while i < events.count || j < notices.count {
            if j >= notices.count || (i < events.count && events[i].time <= notices[j].time) {
                result.append(events[i])
                i += 1
            } else {
                result.append(notices[j])
                j += 1
            }
        }
        return result
    }

    static func draw(
        _ canvas: inout Canvas, in rect: Rect, events: [RouterEvent], title: String, scroll: inout Int, focused: Bool
    ) {
        guard rect.height > 0 else { return }
        let rows = rect.height - 1
        scroll = min(scroll, max(events.count - rows, 0))
        var heading = title
        if scroll > 0 { heading += canvas.glyphs.separator + "\(scroll) newer below" }
        canvas.rule(heading, in: rect, role: .panelBorder, titleRole: focused ? .panelTitle : .tableHeader)
        guard rows > 0 else { return }
        if events.isEmpty {
            canvas.put("no events yet", in: rect, row: 1, column: 1, role: .tableDim)
            return
        }
        let end = events.count - scroll
        let start = max(end - rows, 0)
        for (row, event) in events[start..<end].enumerated() {
            let y = rect.y + 1 + row
            var x = rect.x + 1
            x += canvas.put(Format.timestamp(event.time), x: x, y: y, role: .eventTime, maxWidth: rect.maxX - x) + 1
            let kindRole = role(event.kind)
            let kind = event.kind.rawValue
            canvas.put(kind, x: x, y: y, role: kindRole, maxWidth: rect.maxX - x)
            x += 9
            guard x < rect.maxX else { continue }
            canvas.put(event.message, x: x, y: y, role: event.kind == .warning ? .eventWarning : .normal,
                       maxWidth: rect.maxX - x)
        }
    }

    static func role(_ kind: RouterEvent.Kind) -> StyleRole {
        switch kind {
        case .replica: .eventReplica
        case .fault: .eventFault
        case .settings: .eventSettings
        case .warning: .eventWarning
        case .info: .eventInfo
        }
    }
}
