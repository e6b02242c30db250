import RouterAPI

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

    /// `scroll` held within the log in `rect`: the oldest event at the top at most.
    static func clampedScroll(_ scroll: Int, events: Int, in rect: Rect) -> Int {
        guard rect.height > 0 else { return scroll }
        return min(scroll, max(events - (rect.height - 1), 0))
    }

    static func draw(
        _ canvas: inout Canvas, in rect: Rect, events: [RouterEvent], title: String, scroll: Int, focused: Bool,
        utc: Bool = false
    ) {
        guard rect.height > 0 else { return }
        let rows = rect.height - 1
        let scroll = clampedScroll(scroll, events: events.count, in: rect)
        var heading = title
        if scroll > 0 { heading += canvas.glyphs.separator + "\(scroll) newer below" }
        canvas.rule(heading, in: rect, role: .panelBorder, titleRole: focused ? .panelTitle : .tableHeader)
        guard rows > 0 else { return }
        if events.isEmpty {
            canvas.put("no events yet", in: rect, row: 1, column: 1, role: .tableDim)
            return
        }
        // Newest last; a long message wraps onto up to three lines. Only the events that fit are
        // wrapped, newest first, then drawn top-down (cutting the top of the oldest if needed).
        let messageColumn = 21
        let messageWidth = rect.width - messageColumn - 1
        var blocks: [(event: RouterEvent, lines: [String])] = []
        var used = 0
        var index = events.count - scroll - 1
        while index >= 0, used < rows {
            let event = events[index]
            let lines = messageWidth > 8 ? TextWrap.lines(event.message, width: messageWidth) : [event.message]
            blocks.append((event, lines))
            used += lines.count
            index -= 1
        }
        var skip = max(used - rows, 0)
        var y = rect.y + 1
        for (event, lines) in blocks.reversed() {
            let messageRole: StyleRole = event.kind == .warning ? .eventWarning : .normal
            for (offset, line) in lines.enumerated() {
                if skip > 0 {
                    skip -= 1
                    continue
                }
                if offset == 0 {
                    var x = rect.x + 1
                    // The time of day, as on the operator's watch; events of a router that sends no wall
                    // clock keep its uptime.
                    let time = event.timeUTC == .epoch ? Format.timestamp(event.time) : WallClock.text(event.timeUTC, utc: utc)
                    x += canvas.put(time, x: x, y: y, role: .eventTime, maxWidth: rect.maxX - x) + 1
                    canvas.put(event.kind.rawValue, x: x, y: y, role: role(event.kind), maxWidth: rect.maxX - x)
                }
                let x = rect.x + messageColumn
                if x < rect.maxX { canvas.put(line, x: x, y: y, role: messageRole, maxWidth: rect.maxX - x) }
                y += 1
            }
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
