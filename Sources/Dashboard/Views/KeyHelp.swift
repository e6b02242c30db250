/// The keys, as the help overlay and the footer name them.
enum KeyHelp {
    struct Entry {
        var keys: String
        var action: String
        var fleetOnly = false
        var changes = false
    }

    static let all: [Entry] = [
        Entry(keys: "q F10", action: "quit"),
        Entry(keys: "? F1", action: "this help"),
        Entry(keys: "e F4", action: "edit parameters", changes: true),
        Entry(keys: "↑↓ j k", action: "move / scroll"),
        Entry(keys: "PgUp PgDn", action: "page"),
        Entry(keys: "Home End", action: "first / last"),
        Entry(keys: "Tab", action: "next panel to scroll"),
        Entry(keys: "Enter", action: "replica detail"),
        Entry(keys: "m", action: "models view (multiplexing)"),
        Entry(keys: "Esc", action: "back / clear filter"),
        Entry(keys: "s F6", action: "next sort column"),
        Entry(keys: "S", action: "reverse sort"),
        Entry(keys: "/", action: "filter replicas"),
        Entry(keys: "C", action: "choose table columns"),
        Entry(keys: "p Space", action: "pause display"),
        Entry(keys: "t F9", action: "next theme"),
        Entry(keys: "< >", action: "refresh faster / slower"),
        Entry(keys: "z", action: "undo last parameter change", changes: true),
        Entry(keys: "E", action: "export settings to a file"),
        Entry(keys: "J", action: "change journal (revert)"),
        Entry(keys: "c", action: "keep settings on trial", changes: true),
        Entry(keys: "+ -", action: "more / less load", fleetOnly: true, changes: true),
        Entry(keys: "a", action: "add replica (proxy: by URL)", changes: true),
        Entry(keys: "d", action: "remove selected", changes: true),
        Entry(keys: "D", action: "drain / undrain selected", changes: true),
        Entry(keys: "u", action: "make it unavailable", fleetOnly: true, changes: true),
        Entry(keys: "x", action: "kill it", fleetOnly: true, changes: true),
        Entry(keys: "w", action: "slow its probes (300ms)", fleetOnly: true, changes: true),
        Entry(keys: "f", action: "saturate it", fleetOnly: true, changes: true),
        Entry(keys: "r", action: "recover it", fleetOnly: true, changes: true),
    ]

    /// The footer's key list for what is on screen now.
    static func footer(for state: DashboardState, simulated: Bool, readOnly: Bool) -> [(String, String)] {
        if state.editor != nil {
            return [("Enter", "apply"), ("Esc", "cancel"), ("↑↓ Tab", "field"), ("Bksp", "delete"),
                    ("Del ^U", "clear field"), ("F10", "quit")]
        }
        if state.columnChooser != nil {
            return [("↑↓", "column"), ("Space", "show/hide"), ("Esc C", "close")]
        }
        if state.showHelp {
            return [("Esc ?", "close help"), ("Tab", "next page: keys, columns, header"), ("q", "quit")]
        }
        if state.journalView != nil {
            return [("Esc J", "close"), ("↑↓", "move"), ("/", "filter"), ("Enter", "show whole"), ("R", "revert")]
        }
        if state.filterEditing {
            return [("type", "filter text"), ("Enter", "keep filter"), ("Esc", "clear filter"), ("↑↓", "move")]
        }
        var keys: [(String, String)] = [("q", "quit"), ("?", "help")]
        if case .detail = state.view {
            keys += [("Esc", "back"), ("j k", "prev/next replica")]
        } else if state.view == .models {
            keys += [("Esc m", "back"), ("j k", "scroll")]
        } else {
            keys += [("Enter", "detail"), ("s S", "sort"), ("/", "filter"), ("Tab", "panel")]
        }
        if !readOnly { keys.append(("e", "edit")) }
        keys += [("p", state.isPaused ? "resume" : "pause"), ("t", "theme"), ("< >", "refresh")]
        if !readOnly {
            keys.append(("z", "undo"))
            if simulated { keys += [("+ -", "load"), ("u x w f r", "faults")] }
            keys += [("a d D", "add/remove/drain")]
        }
        keys.append(("E", "export"))
        return keys
    }

    static func drawFooter(_ canvas: inout Canvas, in rect: Rect, keys: [(String, String)]) {
        guard rect.height > 0 else { return }
        canvas.fill(rect, role: .footerText)
        var x = rect.x
        for (key, label) in keys {
            let needed = key.count + 1 + label.count
            guard x + needed <= rect.maxX else { break }
            x += canvas.put(key, x: x, y: rect.y, role: .footerKey)
            x += 1
            x += canvas.put(label, x: x, y: rect.y, role: .footerText)
            x += 2
        }
    }
}
