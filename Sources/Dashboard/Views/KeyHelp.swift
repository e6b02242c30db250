/// The keys, as the help overlay and the footer name them.
enum KeyHelp {
    struct Entry {
        var keys: String
        var action: String
        var fleetOnly = false
        var changes = false
    }

    /// Every help row of the key map.
    static var all: [Entry] { entries(KeyMap.viewHelpRows) }

    /// The help rows for the bindings that work in `context`.
    static func all(in context: KeyContext) -> [Entry] { entries(KeyMap.helpRows(in: context)) }

    private static func entries(_ bindings: [KeyBinding]) -> [Entry] {
        bindings.map { Entry(keys: $0.label, action: $0.help ?? $0.name, fleetOnly: $0.simulatedOnly, changes: $0.changes) }
    }

    /// A footer item: its keys and label, shown when the binding for `action` is offered.
    private struct FooterItem {
        var keys: String
        var label: String
        var action: KeyAction
        /// Narrows the item to some views where the binding works but the label would not fit.
        var only: Set<KeyContext> = KeyContext.views
    }

    private static func footerItems(in context: KeyContext, paused: Bool) -> [FooterItem] {
        switch context {
        case .help:
            return [
                FooterItem(keys: "Esc ?", label: "close help", action: .closeHelp, only: [.help]),
                FooterItem(keys: "Tab", label: "next page: keys, columns, header", action: .nextHelpPage, only: [.help]),
                FooterItem(keys: "q", label: "quit", action: .quit, only: [.help]),
            ]
        case .columnChooser:
            return [
                FooterItem(keys: "↑↓", label: "column", action: .columnDown, only: [.columnChooser]),
                FooterItem(keys: "Space", label: "show/hide", action: .toggleColumn, only: [.columnChooser]),
                FooterItem(keys: "Esc C", label: "close", action: .closeColumnChooser, only: [.columnChooser]),
            ]
        default:
            break
        }
        return [
            FooterItem(keys: "q", label: "quit", action: .quit),
            FooterItem(keys: "?", label: "help", action: .showHelp),
            FooterItem(keys: "Esc", label: "back", action: .back, only: [.detail]),
            FooterItem(keys: "j k", label: "prev/next replica", action: .moveDown, only: [.detail]),
            FooterItem(keys: "Esc m", label: "back", action: .toggleModels, only: [.models]),
            FooterItem(keys: "j k", label: "scroll", action: .moveDown, only: [.models]),
            FooterItem(keys: "Enter", label: "detail", action: .openDetail),
            FooterItem(keys: "s S", label: "sort", action: .nextSort, only: [.main]),
            FooterItem(keys: "/", label: "filter", action: .filter, only: [.main]),
            FooterItem(keys: "Tab", label: "panel", action: .nextPanel),
            FooterItem(keys: "e", label: "edit", action: .editParameters),
            FooterItem(keys: "p", label: paused ? "resume" : "pause", action: .togglePause),
            FooterItem(keys: "t", label: "theme", action: .nextTheme),
            FooterItem(keys: "< >", label: "refresh", action: .refreshFaster),
            FooterItem(keys: "z", label: "undo", action: .undo),
            FooterItem(keys: "+ -", label: "load", action: .moreLoad),
            FooterItem(keys: "u x w f r", label: "faults", action: .makeUnavailable),
            FooterItem(keys: "a d D", label: "add/remove/drain", action: .addReplica),
            FooterItem(keys: "E", label: "export", action: .exportSettings),
        ]
    }

    /// The footer's key list for what is on screen now.
    static func footer(for state: DashboardState, simulated: Bool, readOnly: Bool) -> [(String, String)] {
        if state.editor != nil {
            return [("Enter", "apply"), ("Esc", "cancel"), ("↑↓ Tab", "field"), ("Bksp", "delete"),
                    ("Del ^U", "clear field"), ("F10", "quit")]
        }
        let context = state.keyContext
        if context == state.viewContext {
            if state.journalView != nil {
                return [("Esc J", "close"), ("↑↓", "move"), ("/", "filter"), ("Enter", "show whole"), ("R", "revert")]
            }
            if state.filterEditing {
                return [("type", "filter text"), ("Enter", "keep filter"), ("Esc", "clear filter"), ("↑↓", "move")]
            }
        }
        return footerItems(in: context, paused: state.isPaused).compactMap { item in
            guard item.only.contains(context),
                  let binding = KeyMap.bindings.first(where: { $0.action == item.action }),
                  KeyMap.isOffered(binding, in: context, simulated: simulated, readOnly: readOnly)
            else { return nil }
            return (item.keys, item.label)
        }
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
