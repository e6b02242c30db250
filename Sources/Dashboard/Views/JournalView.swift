import Foundation
import RouterAPI

/// The journal view (`J`): entries newest first; one entry whole; a revert offer with what changes.
enum JournalView {
    static func draw(_ canvas: inout Canvas, in area: Rect, view: JournalViewState, readOnly: Bool) {
        canvas.fill(area, role: .modalText)
        let count = view.entries?.count ?? 0
        canvas.box(area, title: "Journal (\(count) entries, newest first)")
        let inside = area.inset(by: 1)
        guard inside.height > 1 else { return }
        let helpRow = inside.height - 1
        let separator = canvas.glyphs.separator
        func keys(_ context: KeyContext, width: Int) -> String {
            KeyHelp.inline(in: context, width: width, separator: separator, readOnly: readOnly)
        }
        var lines: [(String, StyleRole)]
        var selectedLine: Int?
        if let offer = view.offer {
            lines = [("Revert to the settings just after #\(offer.sequence)? These change:", .modalTitle)]
            lines += offer.differences.map { ("  " + $0.text, .editPending) }
            lines += [("", .modalText), (keys(.journalRevert, width: inside.width - 2), .helpKey)]
        } else if let number = view.showing, let entry = view.entries?.first(where: { $0.sequence == number }) {
            lines = whole(entry, width: inside.width - 2).map { ($0, .modalText) }
            lines += [("", .modalText), (keys(.journalEntry, width: inside.width - 2), .helpKey)]
        } else if view.entries == nil {
            lines = [("reading the journal…", .tableDim)]
        } else {
            lines = view.problems.map { ($0, .editError) }
            let visible = view.visible
            if visible.isEmpty {
                lines.append((view.filter.isEmpty ? "no changes yet" : "no entry contains \"\(view.filter)\"", .tableDim))
            }
            let rows = max(helpRow - lines.count, 1)
            let top = max(0, min(view.selected - rows / 2, visible.count - rows))
            for (index, entry) in visible.enumerated().dropFirst(top).prefix(rows) {
                if index == view.selected { selectedLine = lines.count }
                lines.append((entry.line, entry.result == .refused ? .editError : .tableRow))
            }
        }
        for (row, (text, role)) in lines.prefix(helpRow).enumerated() {
            let shown = row == selectedLine ? StyleRole.tableSelected : role
            if row == selectedLine { canvas.fill(Rect(x: inside.x, y: inside.y + row, width: inside.width, height: 1), role: shown) }
            canvas.put(text, x: inside.x + 1, y: inside.y + row, role: shown, maxWidth: inside.width - 2)
        }
        let filter = view.filterEditing ? "filter: \(view.filter)_" : (view.filter.isEmpty ? "" : "filter: \(view.filter) · ")
        let help = view.filterEditing ? filter : filter + keys(.journal, width: inside.width - 2 - filter.count)
        canvas.put(help, in: inside, row: helpRow, column: 1, role: view.filterEditing ? .filterText : .tableDim)
    }

    /// One entry whole: every field, the settings that differ, and both values in full.
    static func whole(_ entry: JournalEntry, width: Int) -> [String] {
        let who = entry.who
        var lines = [
            "#\(entry.sequence)  \(entry.time)",
            "who: \(who.login)" + (who.uid.map { " (uid \($0))" } ?? "") + (who.sshClient.map { " from \($0)" } ?? "")
                + " via \(who.via.rawValue)",
            "what: \(entry.change.subject.rawValue) \(entry.change.verb)" + (entry.change.target.map { " \($0)" } ?? ""),
            "result: \(entry.result.rawValue)" + (entry.reason.map { ": \($0)" } ?? ""),
        ]
        if let note = entry.note { lines.append("note: \(note)") }
        lines.append("change: \(entry.change.summary)")
        lines.append("old: \(entry.change.old.text)")
        lines.append("new: \(entry.change.new.text)")
        return lines.flatMap { TextWrap.lines($0, width: max(width, 10)) }
    }
}
