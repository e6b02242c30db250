/// The help overlay: every key, in one or two columns.
enum HelpOverlay {
    /// Draws the help for the keys that work in `context`, the view beneath the help.
    static func draw(_ canvas: inout Canvas, in area: Rect, page: DashboardState.HelpPage, context: KeyContext,
                     simulated: Bool, readOnly: Bool) {
        switch page {
        case .keys: break
        case .columns:
            drawLegend(&canvas, in: area, title: "Help: table columns (Tab: header)", lines: columnLegend)
            return
        case .header:
            drawLegend(&canvas, in: area, title: "Help: header figures (Tab: keys)", lines: HeaderView.legend)
            return
        }
        let entries = KeyHelp.all(in: context)
        let columnWidth = 38
        let twoColumns = area.width >= 2 * columnWidth + 4
        let perColumn = twoColumns ? (entries.count + 1) / 2 : entries.count
        let notes = [
            readOnly ? "read-only: keys that change the router are refused" : "",
            simulated ? "" : "load and fault keys (+ - u x w f r) work only on the simulated fleet",
            "queue source: probe = fresh answer, cache = adjusted cache, local = own count",
        ].filter { !$0.isEmpty }
        let width = twoColumns ? 2 * columnWidth + 4 : min(columnWidth + 4, area.width)
        let height = min(perColumn + notes.count + 3, area.height)
        let box = area.centered(width: max(width, min(area.width, 60)), height: height)
        canvas.box(box, title: "Help: keys (Tab: columns)")
        let inside = box.inset(by: 1)
        for (index, entry) in entries.enumerated() {
            let column = twoColumns ? index / perColumn : 0
            let row = twoColumns ? index % perColumn : index
            guard row < inside.height else { continue }
            let x = 1 + column * (columnWidth + 1)
            canvas.put(entry.keys, in: inside, row: row, column: x, role: .helpKey)
            var action = entry.action
            if entry.fleetOnly && !simulated { action += " (fleet only)" }
            let role: StyleRole = (entry.changes && readOnly) || (entry.fleetOnly && !simulated) ? .tableDim : .modalText
            canvas.put(action, in: inside, row: row, column: x + 11, role: role)
        }
        for (offset, note) in notes.enumerated() {
            canvas.put(note, in: inside, row: perColumn + 1 + offset, column: 1, role: .tableDim)
        }
    }

    /// Every column of the replica table, one line each.
    static var columnLegend: [(label: String, meaning: String)] {
        ReplicaColumn.allCases.map { ($0.title, $0.legend) }
    }

    private static func drawLegend(
        _ canvas: inout Canvas, in area: Rect, title: String, lines: [(label: String, meaning: String)]
    ) {
        let labelWidth = 17
        let box = area.centered(width: min(area.width, 100), height: min(lines.count + 2, area.height))
        canvas.box(box, title: title)
        let inside = box.inset(by: 1)
        for (row, line) in lines.enumerated() where row < inside.height {
            canvas.put(line.label, in: inside, row: row, column: 1, role: .helpKey)
            canvas.put(line.meaning, x: inside.x + labelWidth + 1, y: inside.y + row, role: .modalText,
                       maxWidth: max(inside.width - labelWidth - 2, 0))
        }
    }
}
