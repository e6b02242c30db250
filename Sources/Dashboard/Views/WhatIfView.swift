import RouterAPI

/// The editor's what-if block: predicted figures over the recorded traffic for the live settings
/// and the edited ones side by side, and the suggestions of the last search.
enum WhatIfView {
    /// Rows it would like: a title, four figures, then the search's lines.
    static func rows(_ panel: WhatIfPanel) -> Int {
        5 + (panel.search == nil ? 0 : 1 + panel.suggestions.count)
    }

    static func draw(_ canvas: inout Canvas, in inside: Rect, row: Int, rows: Int, panel: WhatIfPanel, edited: RouterSettings?) {
        guard rows > 0 else { return }
        let labelWidth = 26, columnWidth = 17
        var reply: WhatIfReply?
        var note: String?
        switch panel.figures {
        case nil: note = edited == nil ? "once the form is accepted" : "computing…"
        case .computing?: note = "computing…"
        case .unavailable(let reason)?: note = reason
        case .ready(let ready)?: reply = ready
        }
        let title: String
        if let reply {
            let span = SettingText.format((reply.endS - reply.startS).rounded())
            title = "what-if over the recorded \(span) s"
        } else {
            title = "what-if over the recorded traffic"
        }
        canvas.put(title, in: inside, row: row, column: 1, role: .editLabel)
        if note != nil, reply == nil {
            canvas.put(note!, in: inside, row: row, column: labelWidth + columnWidth + 2, role: .tableDim)
        } else if inside.width > labelWidth + 2 * columnWidth {
            canvas.putRight("live", right: inside.x + labelWidth + columnWidth, y: inside.y + row, width: columnWidth, role: .editLabel)
            canvas.putRight("edited", right: inside.x + labelWidth + 2 * columnWidth, y: inside.y + row, width: columnWidth,
                            role: .editLabel)
            // The request count goes after the headings: beside the title, "live" would write over it.
            let x = inside.x + labelWidth + 2 * columnWidth + 2
            if let reply, x + "\(reply.live.requests) requests".count < inside.maxX {
                canvas.put("\(reply.live.requests) requests", x: x, y: inside.y + row, role: .tableDim)
            }
        }
        // The edited column is current only when it was computed for the form as it is now.
        let editedCurrent = reply.map { $0.editedSettings == edited } ?? false
        let lines: [(String, (WhatIfFigures) -> String)] = [
            ("fulfilment p50 / p99 (ms)", { "\(Format.decimal($0.fulfillmentP50Ms, places: 1)) / \(Format.decimal($0.fulfillmentP99Ms, places: 1))" }),
            ("failed attempts", { String($0.failedAttempts) }),
            ("backoff sleeps", { String($0.backoffSleeps) }),
            ("routing timeouts", { String($0.routingTimeouts) }),
        ]
        for (index, (label, value)) in lines.enumerated() where index + 1 < rows {
            let y = row + 1 + index
            canvas.put(label, in: inside, row: y, column: 1, role: .editPreview)
            guard let reply, inside.width > labelWidth + 2 * columnWidth else { continue }
            canvas.putRight(value(reply.live), right: inside.x + labelWidth + columnWidth, y: inside.y + y, width: columnWidth,
                            role: .editPreview)
            let shown = editedCurrent ? value(reply.edited) : (edited == nil ? "—" : "computing…")
            canvas.putRight(shown, right: inside.x + labelWidth + 2 * columnWidth, y: inside.y + y, width: columnWidth,
                            role: editedCurrent ? .editPending : .tableDim)
        }
        drawSearch(&canvas, in: inside, row: row + 5, rows: rows - 5, panel: panel)
    }

    private static func drawSearch(_ canvas: inout Canvas, in inside: Rect, row: Int, rows: Int, panel: WhatIfPanel) {
        guard rows > 0, let search = panel.search else { return }
        switch search {
        case .searching(let done, let planned):
            let progress = planned > 0 ? " \(done)/\(planned) replays" : ""
            canvas.put("suggest: searching…\(progress)", in: inside, row: row, column: 1, role: .tableDim)
        case .failed(let reason):
            canvas.put("suggest: \(reason)", in: inside, row: row, column: 1, role: .editError)
        case .ready(let reply):
            let heading = reply.suggestions.isEmpty
                ? "suggest: none beats p99 \(Format.decimal(reply.live.fulfillmentP99Ms, places: 1)) ms without more routing timeouts"
                : "suggestions (F7 puts the next into the form; \(reply.evaluated) replayed):"
            canvas.put(heading, in: inside, row: row, column: 1, role: .editLabel)
            for (index, suggestion) in reply.suggestions.enumerated() where index + 1 < rows {
                let s = suggestion.settings, f = suggestion.figures
                let text = "\(index + 1)) initial \(SettingText.format(s.initialBackoff)) s, ×\(SettingText.format(s.backoffMultiplier)), "
                    + "max \(SettingText.format(s.maxBackoff)) s: p99 \(Format.decimal(f.fulfillmentP99Ms, places: 1)) ms, "
                    + "\(f.failedAttempts) failed, \(f.backoffSleeps) sleeps, \(f.routingTimeouts) timeouts"
                canvas.put(text, in: inside, row: row + 1 + index, column: 1, role: .editPreview)
            }
        }
    }
}
