/// The column chooser (`C`): every column of the replica table, shown or hidden, with its legend.
enum ColumnChooserView {
    /// Where the legends start: after the mark, a space, the longest title and two spaces, so no
    /// title runs into its legend.
    static let legendColumn = 1 + 4 + (ReplicaColumn.allCases.map(\.title.count).max() ?? 0) + 2

    static func draw(_ canvas: inout Canvas, in area: Rect, hidden: Set<ReplicaColumn>, cursor: Int) {
        let columns = ReplicaColumn.allCases
        let box = area.centered(width: min(area.width, 80), height: min(columns.count + 3, area.height))
        canvas.box(box, title: "Columns (Space shows/hides, Esc closes)")
        let inside = box.inset(by: 1)
        // Keeps the cursor's line in view on a short screen.
        let first = max(0, min(cursor - inside.height + 1, columns.count - inside.height))
        for row in 0..<inside.height {
            let index = first + row
            guard index < columns.count else { break }
            let column = columns[index]
            let mark = column == .id ? "[=]" : hidden.contains(column) ? "[ ]" : "[x]"
            let role: StyleRole = index == cursor ? .tableSelected : .modalText
            canvas.put(mark + " " + column.title, in: inside, row: row, column: 1, role: role)
            canvas.put(column.legend, x: inside.x + legendColumn, y: inside.y + row, role: .tableDim,
                       maxWidth: max(inside.width - legendColumn - 1, 0))
        }
    }
}
