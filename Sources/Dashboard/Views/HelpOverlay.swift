/// The help overlay: every key, in one or two columns.
enum HelpOverlay {
    static func draw(_ canvas: inout Canvas, in area: Rect, simulated: Bool, readOnly: Bool) {
        let entries = KeyHelp.all
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
        canvas.box(box, title: "Help: keys")
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
}
