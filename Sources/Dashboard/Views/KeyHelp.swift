/// The keys, as the help overlay and the footer name them.
enum KeyHelp {
    struct Entry {
        var keys: String
        var action: String
        var fleetOnly = false
        /// Refused read-only: it changes the router or writes a file.
        var changes = false
    }

    /// Every help row of the key map.
    static var all: [Entry] { entries(KeyMap.viewHelpRows) }

    /// The help rows for the bindings that work in `context`.
    static func all(in context: KeyContext) -> [Entry] { entries(KeyMap.helpRows(in: context)) }

    private static func entries(_ bindings: [KeyBinding]) -> [Entry] {
        bindings.map { Entry(keys: $0.label, action: $0.help ?? $0.name, fleetOnly: $0.simulatedOnly, changes: $0.refusedReadOnly) }
    }

    /// A footer item: its keys and label, shown when the binding for `action` is offered.
    private struct FooterItem {
        var keys: String
        var label: String
        var action: KeyAction
        /// Narrows the item to some views where the binding works but the label would not fit.
        var only: Set<KeyContext> = KeyContext.views
    }

    /// The views' footer: short labels, some naming a group of bindings ("u x w f r faults").
    private static func viewFooterItems(paused: Bool) -> [FooterItem] {
        [
            FooterItem(keys: "q", label: "quit", action: .quit),
            FooterItem(keys: "?", label: "help", action: .showHelp),
            FooterItem(keys: "Esc", label: "back", action: .back, only: [.detail]),
            FooterItem(keys: "j k", label: "prev/next replica", action: .moveDown, only: [.detail]),
            FooterItem(keys: "Tab Enter", label: "request trace", action: .nextRecentRequest, only: [.detail]),
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
            FooterItem(keys: "T", label: "trace", action: .lookUpTrace),
        ]
    }

    /// The footer's key list for what is on screen now: the views' own short list, or else every
    /// binding of the context that the help describes, in the key map's order.
    static func footer(for state: DashboardState, simulated: Bool, readOnly: Bool) -> [(String, String)] {
        let context = state.keyContext
        guard KeyContext.views.contains(context) else {
            return offered(in: context, simulated: simulated, readOnly: readOnly)
                .filter { !$0.restartsRouter || state.canRestartRouter }
                .map { ($0.label, $0.help ?? $0.name) }
        }
        return viewFooterItems(paused: state.isPaused).compactMap { item in
            guard item.only.contains(context),
                  let binding = KeyMap.bindings.first(where: { $0.action == item.action }),
                  KeyMap.isOffered(binding, in: context, simulated: simulated, readOnly: readOnly)
            else { return nil }
            return (item.keys, item.label)
        }
    }

    /// The keys and help of every binding offered in `context`, in the key map's order.
    static func rows(in context: KeyContext, simulated: Bool, readOnly: Bool) -> [(String, String)] {
        offered(in: context, simulated: simulated, readOnly: readOnly).map { ($0.label, $0.help ?? $0.name) }
    }

    private static func offered(in context: KeyContext, simulated: Bool, readOnly: Bool) -> [KeyBinding] {
        KeyMap.helpRows(in: context).filter {
            KeyMap.isOffered($0, in: context, simulated: simulated, readOnly: readOnly)
        }
    }

    /// The keys of `context` as one line for a box of its own ("Enter apply · Esc cancel"): whole
    /// items only, up to `width`, without quitting, which the footer names.
    static func inline(in context: KeyContext, width: Int, separator: String, readOnly: Bool) -> String {
        var line = ""
        for binding in offered(in: context, simulated: true, readOnly: readOnly) where binding.action != .quit {
            let item = (line.isEmpty ? "" : separator) + binding.label + " " + (binding.help ?? binding.name)
            guard line.count + item.count <= width else { break }
            line += item
        }
        return line
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
