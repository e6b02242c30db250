import RouterAPI

/// A request's trace over the body: the id being typed, the trace the router kept (scrolled), or
/// why it has none.
enum TraceView {
    /// The shown trace's scroll held within its lines in `area`: the last line at the foot at most.
    static func clampedScroll(_ lookup: TraceLookup, in area: Rect) -> Int {
        guard case .shown(let trace) = lookup.phase, let text = WrappedTrace(trace, in: area) else {
            return lookup.scroll
        }
        return text.clamped(lookup.scroll)
    }

    /// A trace's lines wrapped to the box, and how many rows of them show at once.
    private struct WrappedTrace {
        let all: [String]
        let room: Int

        /// Nil when the box has no row for the trace.
        init?(_ trace: RequestTrace, in area: Rect) {
            let inside = area.inset(by: 1)
            guard inside.height > 1 else { return nil }
            let width = max(inside.width - 2, 10)
            let helpRow = inside.height - 1
            all = TraceText.lines(trace).flatMap { TextWrap.lines($0, width: width, maxLines: 10) }
            // A trace longer than the box keeps a row to say which lines show.
            room = all.count > helpRow ? helpRow - 1 : helpRow
        }

        func clamped(_ scroll: Int) -> Int { min(scroll, max(all.count - room, 0)) }
    }

    static func draw(_ canvas: inout Canvas, in area: Rect, lookup: TraceLookup, readOnly: Bool) {
        canvas.fill(area, role: .modalText)
        let title = lookup.phase == .typing ? "Trace lookup" : "Trace of \(lookup.id)"
        canvas.box(area, title: title)
        let inside = area.inset(by: 1)
        guard inside.height > 1 else { return }
        let width = max(inside.width - 2, 10)
        let helpRow = inside.height - 1
        let separator = canvas.glyphs.separator
        var lines: [(String, StyleRole)]
        let context: KeyContext
        switch lookup.phase {
        case .typing:
            context = .traceInput
            lines = [("request id (req-N, N, or the client's own X-Request-Id):", .modalTitle),
                     ("  \(lookup.id)_", .filterText)]
        case .loading:
            context = .trace
            lines = [("asking the router for its traces…", .tableDim)]
        case .notFound(let reason):
            context = .trace
            lines = TextWrap.lines(reason, width: width, maxLines: helpRow).map { ($0, .editError) }
        case .shown(let trace):
            context = .trace
            // `inside` has a row for the trace (checked above), so the text is there.
            guard let text = WrappedTrace(trace, in: area) else { return }
            let scroll = text.clamped(lookup.scroll)
            lines = text.all.dropFirst(scroll).prefix(text.room).map { ($0, .modalText) }
            if text.all.count > helpRow {
                lines.append(("lines \(scroll + 1)-\(scroll + lines.count) of \(text.all.count)", .tableDim))
            }
        }
        for (row, (text, role)) in lines.prefix(helpRow).enumerated() {
            canvas.put(text, x: inside.x + 1, y: inside.y + row, role: role, maxWidth: inside.width - 2)
        }
        canvas.put(KeyHelp.inline(in: context, width: width, separator: separator, readOnly: readOnly),
                   in: inside, row: helpRow, column: 1, role: .tableDim)
    }
}
