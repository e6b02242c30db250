import RouterAPI

/// The replica detail's recent requests, newest first: the selected one's trace is an Enter away.
enum RecentRequestsView {
    static func draw(_ canvas: inout Canvas, in rect: Rect, recent: RecentRequests) {
        guard rect.height > 0 else { return }
        canvas.rule("Recent requests of \(recent.replica) (Tab selects, Enter shows its trace)", in: rect)
        guard !recent.traces.isEmpty else {
            canvas.put("none kept yet", in: rect, row: 1, column: 1, role: .tableDim)
            return
        }
        for (index, trace) in recent.traces.prefix(rect.height - 1).enumerated() {
            let selected = trace.request == recent.selected
            let role: StyleRole = selected ? .tableSelected : .tableRow
            let y = rect.y + 1 + index
            if selected { canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: role) }
            canvas.put(line(trace), x: rect.x + 1, y: y, role: role, maxWidth: rect.width - 2)
        }
    }

    /// `req-12  my-own-id  completed  14ms  first attempt waited 3ms (task cap)`.
    static func line(_ trace: RequestTrace) -> String {
        var parts = ["req-\(trace.request)"]
        if let external = trace.externalID { parts.append(external) }
        parts.append(trace.outcome ?? "in the router")
        if let finished = trace.finishedMs { parts.append(Format.seconds((finished - trace.admittedMs) / 1000)) }
        if let wait = trace.firstWait, let waited = wait.waitedMs {
            parts.append("first attempt waited \(Format.seconds(waited / 1000)) (\(wait.reason.rawValue))")
        }
        return parts.joined(separator: "  ")
    }
}
