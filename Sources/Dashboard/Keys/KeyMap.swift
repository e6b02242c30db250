/// The one table of key bindings that dispatch, the help screen and the footer read.
enum KeyMap {
    static let bindings: [KeyBinding] = [
        KeyBinding(keys: [.character("q"), .function(10)], label: "q F10", help: "quit", name: "quit", action: .quit,
                   contexts: KeyContext.views.union([.help, .routerStopped])),
        // The router is gone: the one thing left to do besides quitting.
        KeyBinding(keys: [.character("r")], label: "r", help: "start the router again (same command line)",
                   name: "starting the router", action: .restartRouter, contexts: [.routerStopped], changes: true,
                   restartsRouter: true),
        KeyBinding(keys: [.character("?"), .function(1)], label: "? F1", help: "this help", name: "help", action: .showHelp,
                   contexts: KeyContext.views.union([.routerStopped])),
        KeyBinding(keys: [.character("e"), .function(4)], label: "e F4", help: "edit parameters", name: "editing parameters",
                   action: .editParameters, changes: true),
        KeyBinding(keys: [.up, .character("k")], label: "↑↓ j k", help: "move / scroll", name: "up", action: .moveUp),
        KeyBinding(keys: [.down, .character("j")], label: "↑↓ j k", help: nil, name: "down", action: .moveDown),
        KeyBinding(keys: [.pageUp], label: "PgUp PgDn", help: "page", name: "page up", action: .pageUp),
        KeyBinding(keys: [.pageDown], label: "PgUp PgDn", help: nil, name: "page down", action: .pageDown),
        KeyBinding(keys: [.home], label: "Home End", help: "first / last", name: "first", action: .first),
        KeyBinding(keys: [.end], label: "Home End", help: nil, name: "last", action: .last),
        KeyBinding(keys: [.tab], label: "Tab", help: "next panel to scroll", name: "next panel", action: .nextPanel,
                   contexts: [.main]),
        KeyBinding(keys: [.backTab], label: "Tab", help: nil, name: "previous panel", action: .previousPanel, contexts: [.main]),
        KeyBinding(keys: [.enter], label: "Enter", help: "replica detail", name: "detail", action: .openDetail, contexts: [.main]),
        KeyBinding(keys: [.character("m")], label: "m", help: "models view (multiplexing)", name: "models", action: .toggleModels),
        KeyBinding(keys: [.escape], label: "Esc", help: "back / clear filter", name: "back", action: .back),
        KeyBinding(keys: [.character("s"), .function(6)], label: "s F6", help: "next sort column", name: "sort", action: .nextSort),
        KeyBinding(keys: [.character("S")], label: "S", help: "previous sort column", name: "previous sort",
                   action: .previousSort),
        KeyBinding(keys: [.character("o")], label: "o", help: "reverse the sort order", name: "reverse sort",
                   action: .reverseSort),
        KeyBinding(keys: [.character("/")], label: "/", help: "filter replicas", name: "filter", action: .filter),
        KeyBinding(keys: [.character("C")], label: "C", help: "choose table columns", name: "columns", action: .columnChooser),
        KeyBinding(keys: [.character("p"), .character(" ")], label: "p Space", help: "pause display", name: "pause",
                   action: .togglePause),
        KeyBinding(keys: [.character("t"), .function(9)], label: "t F9", help: "next theme", name: "theme", action: .nextTheme),
        KeyBinding(keys: [.character("<")], label: "< >", help: "refresh faster / slower", name: "faster", action: .refreshFaster),
        KeyBinding(keys: [.character(">")], label: "< >", help: nil, name: "slower", action: .refreshSlower),
        KeyBinding(keys: [.character("z")], label: "z", help: "undo last parameter change", name: "undo", action: .undo,
                   changes: true),
        KeyBinding(keys: [.character("E")], label: "E", help: "export settings to a file", name: "export",
                   action: .exportSettings, writesFile: true),
        KeyBinding(keys: [.character("W")], label: "W", help: "write the traffic recording to a file", name: "export recording",
                   action: .exportRecording, writesFile: true),
        KeyBinding(keys: [.character("J")], label: "J", help: "change journal (revert)", name: "journal", action: .openJournal),
        KeyBinding(keys: [.character("T")], label: "T", help: "a request's trace (req-N or the client's X-Request-Id)",
                   name: "trace lookup", action: .lookUpTrace),
        // The replica detail's recent requests.
        KeyBinding(keys: [.tab], label: "Tab", help: "select a recent request", name: "next request",
                   action: .nextRecentRequest, contexts: [.detail]),
        KeyBinding(keys: [.backTab], label: "Tab", help: nil, name: "previous request", action: .previousRecentRequest,
                   contexts: [.detail]),
        KeyBinding(keys: [.enter], label: "Enter", help: "its trace", name: "request trace", action: .showRecentTrace,
                   contexts: [.detail]),
        KeyBinding(keys: [.character("c")], label: "c", help: "keep settings on trial", name: "confirming a trial",
                   action: .confirmTrial, changes: true, trialOnly: true),
        KeyBinding(keys: [.character("+")], label: "+ -", help: "more / less load", name: "more load", action: .moreLoad,
                   changes: true, simulatedOnly: true),
        KeyBinding(keys: [.character("-")], label: "+ -", help: nil, name: "less load", action: .lessLoad,
                   changes: true, simulatedOnly: true),
        KeyBinding(keys: [.character("a")], label: "a", help: "add replica (proxy: by URL)", name: "add replica",
                   action: .addReplica, changes: true),
        KeyBinding(keys: [.character("d")], label: "d", help: "remove selected", name: "remove replica",
                   action: .removeReplica, changes: true, confirm: .always),
        KeyBinding(keys: [.character("D")], label: "D", help: "drain / undrain selected", name: "drain", action: .drain,
                   changes: true, confirm: .inProxy),
        KeyBinding(keys: [.character("u")], label: "u", help: "make it unavailable", name: "make unavailable",
                   action: .makeUnavailable, changes: true, simulatedOnly: true),
        KeyBinding(keys: [.character("x")], label: "x", help: "kill it", name: "kill", action: .kill,
                   changes: true, confirm: .always, simulatedOnly: true),
        KeyBinding(keys: [.character("w")], label: "w", help: "slow its probes (300ms)", name: "slow probes",
                   action: .slowProbes, changes: true, simulatedOnly: true),
        KeyBinding(keys: [.character("f")], label: "f", help: "saturate it", name: "saturate", action: .saturate,
                   changes: true, simulatedOnly: true),
        KeyBinding(keys: [.character("r")], label: "r", help: "recover it", name: "recover", action: .recover,
                   changes: true, simulatedOnly: true),
        // The help over a view.
        KeyBinding(keys: [.escape, .character("?"), .function(1), .enter], label: "Esc ?", help: "close help",
                   name: "close help", action: .closeHelp, contexts: [.help]),
        KeyBinding(keys: [.tab, .right, .character("l")], label: "Tab", help: "next page: keys, columns, header",
                   name: "next page", action: .nextHelpPage, contexts: [.help]),
        KeyBinding(keys: [.backTab, .left], label: "Tab", help: nil, name: "previous page", action: .previousHelpPage,
                   contexts: [.help]),
        // The column chooser.
        KeyBinding(keys: [.up, .character("k")], label: "↑↓", help: "column", name: "previous column", action: .columnUp,
                   contexts: [.columnChooser]),
        KeyBinding(keys: [.down, .character("j")], label: "↑↓", help: nil, name: "next column", action: .columnDown,
                   contexts: [.columnChooser]),
        KeyBinding(keys: [.character(" "), .enter], label: "Space", help: "show/hide", name: "show or hide",
                   action: .toggleColumn, contexts: [.columnChooser]),
        KeyBinding(keys: [.escape, .character("C"), .character("q")], label: "Esc C", help: "close", name: "close",
                   action: .closeColumnChooser, contexts: [.columnChooser]),
        // The parameter editor and the replica URL typed after `a`.
        KeyBinding(keys: [.enter], label: "Enter", help: "apply", name: "applying settings", action: .acceptText,
                   contexts: [.editor], changes: true),
        KeyBinding(keys: [.enter], label: "Enter", help: "add replica", name: "adding a replica", action: .acceptText,
                   contexts: [.addressInput], changes: true),
        KeyBinding(keys: [.enter], label: "Enter", help: "show its trace", name: "trace lookup", action: .acceptText,
                   contexts: [.traceInput]),
        KeyBinding(keys: [.escape], label: "Esc", help: "cancel", name: "cancel", action: .cancelText,
                   contexts: [.editor, .addressInput, .traceInput]),
        KeyBinding(keys: [.up, .backTab], label: "↑↓ Tab", help: "field", name: "previous field", action: .previousField,
                   contexts: [.editor]),
        KeyBinding(keys: [.down, .tab], label: "↑↓ Tab", help: nil, name: "next field", action: .nextField,
                   contexts: [.editor]),
        KeyBinding(keys: [.function(5)], label: "F5", help: "suggest backoff", name: "suggest", action: .suggest,
                   contexts: [.editor]),
        KeyBinding(keys: [.function(7)], label: "F7", help: "take suggestion", name: "take suggestion",
                   action: .takeSuggestion, contexts: [.editor]),
        KeyBinding(keys: [], label: "type", help: nil, name: "typing", action: .typeText,
                   contexts: [.editor, .addressInput, .traceInput], otherwise: .typedText),
        // The table's filter and the journal's.
        KeyBinding(keys: [], label: "type", help: "filter text", name: "typing", action: .typeText,
                   contexts: [.filter, .journalFilter], otherwise: .typedText),
        KeyBinding(keys: [.enter], label: "Enter", help: "keep filter", name: "keep filter", action: .acceptText,
                   contexts: [.filter, .journalFilter]),
        KeyBinding(keys: [.escape], label: "Esc", help: "clear filter", name: "clear filter", action: .cancelText,
                   contexts: [.filter, .journalFilter]),
        KeyBinding(keys: [.up], label: "↑↓", help: "move", name: "up", action: .moveUp, contexts: [.filter]),
        KeyBinding(keys: [.down], label: "↑↓", help: nil, name: "down", action: .moveDown, contexts: [.filter]),
        // Every text.
        KeyBinding(keys: [.backspace], label: "Bksp", help: "delete", name: "delete", action: .deleteBackward,
                   contexts: [.editor, .addressInput, .filter, .journalFilter, .traceInput]),
        KeyBinding(keys: [.delete, .character("\u{15}")], label: "Del ^U", help: "clear field", name: "clear field",
                   action: .clearText, contexts: [.editor, .addressInput, .filter, .journalFilter, .traceInput]),
        // A request's trace on screen.
        KeyBinding(keys: [.escape, .character("T"), .character("q")], label: "Esc T", help: "close", name: "close trace",
                   action: .closeTrace, contexts: [.trace]),
        KeyBinding(keys: [.up, .character("k")], label: "↑↓ j k", help: "scroll", name: "up", action: .moveUp,
                   contexts: [.trace]),
        KeyBinding(keys: [.down, .character("j")], label: "↑↓ j k", help: nil, name: "down", action: .moveDown,
                   contexts: [.trace]),
        KeyBinding(keys: [.pageUp], label: "PgUp PgDn", help: "page", name: "page up", action: .pageUp, contexts: [.trace]),
        KeyBinding(keys: [.pageDown], label: "PgUp PgDn", help: nil, name: "page down", action: .pageDown,
                   contexts: [.trace]),
        // The journal: the most used first, so a narrow line keeps them.
        KeyBinding(keys: [.escape, .character("J"), .character("q")], label: "Esc J", help: "close", name: "close journal",
                   action: .closeJournal, contexts: [.journal]),
        KeyBinding(keys: [.enter], label: "Enter", help: "show whole", name: "show whole", action: .showEntry,
                   contexts: [.journal]),
        KeyBinding(keys: [.character("R")], label: "R", help: "revert to just after it", name: "reverting",
                   action: .offerRevert, contexts: [.journal], changes: true),
        KeyBinding(keys: [.character("/")], label: "/", help: "filter", name: "filter", action: .filterJournal,
                   contexts: [.journal]),
        KeyBinding(keys: [.up, .character("k")], label: "↑↓ j k", help: "move", name: "up", action: .moveUp,
                   contexts: [.journal]),
        KeyBinding(keys: [.down, .character("j")], label: "↑↓ j k", help: nil, name: "down", action: .moveDown,
                   contexts: [.journal]),
        KeyBinding(keys: [.pageUp], label: "PgUp PgDn", help: "page", name: "page up", action: .pageUp, contexts: [.journal]),
        KeyBinding(keys: [.pageDown], label: "PgUp PgDn", help: nil, name: "page down", action: .pageDown,
                   contexts: [.journal]),
        KeyBinding(keys: [.home], label: "Home End", help: "first / last", name: "first", action: .first,
                   contexts: [.journal]),
        KeyBinding(keys: [.end], label: "Home End", help: nil, name: "last", action: .last, contexts: [.journal]),
        KeyBinding(keys: [.escape, .enter], label: "Esc Enter", help: "back to the list", name: "back to the list",
                   action: .closeEntry, contexts: [.journalEntry]),
        KeyBinding(keys: [.character("y"), .enter], label: "y Enter", help: "revert (journaled as a change of its own)",
                   name: "reverting", action: .revert, contexts: [.journalRevert], changes: true),
        KeyBinding(keys: [.character("n"), .escape], label: "n Esc", help: "cancel", name: "cancel revert",
                   action: .cancelRevert, contexts: [.journalRevert]),
        // The quit question on a router that routes real traffic in another process.
        KeyBinding(keys: [.character("s"), .character("S")], label: "s", help: "stop routing", name: "stopping the router",
                   action: .stopRouter, contexts: [.quitPrompt], changes: true),
        KeyBinding(keys: [.character("d"), .character("D"), .character("q"), .function(10)], label: "d",
                   help: "detach, keep routing", name: "detach", action: .detach, contexts: [.quitPrompt]),
        KeyBinding(keys: [.escape], label: "Esc", help: "stay attached (any key)", name: "cancel quit",
                   action: .cancelQuit, contexts: [.quitPrompt], otherwise: .anyKey),
        // A destructive key's question.
        KeyBinding(keys: [.character("y")], label: "y", help: "carry it out", name: "confirm", action: .confirm,
                   contexts: [.confirmation]),
        KeyBinding(keys: [.character("n"), .escape], label: "n Esc", help: "cancel (any other key too)", name: "cancel",
                   action: .cancelConfirmation, contexts: [.confirmation], otherwise: .anyKey),
        // F10 quits where q is typed or closes something.
        KeyBinding(keys: [.function(10)], label: "F10", help: "quit", name: "quit", action: .quit,
                   contexts: KeyContext.quitByF10Only),
    ]

    /// The binding `key` triggers in `context`, if any: one naming the key, else the context's
    /// typed text for a printable character, else the context's "any other key".
    static func binding(for key: Key, in context: KeyContext) -> KeyBinding? {
        if let named = bindings.first(where: { $0.matches(key, in: context) }) { return named }
        if case .character(let character) = key, isTypable(character),
           let typing = bindings.first(where: { $0.otherwise == .typedText && $0.contexts.contains(context) }) {
            return typing
        }
        return bindings.first { $0.otherwise == .anyKey && $0.contexts.contains(context) }
    }

    /// A character that is text, not a control character (Ctrl-U arrives as U+0015).
    static func isTypable(_ character: Character) -> Bool {
        !character.isNewline && !character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// True when `binding` can be used in `context` on this router: the footer offers only these.
    static func isOffered(_ binding: KeyBinding, in context: KeyContext, simulated: Bool, readOnly: Bool) -> Bool {
        binding.contexts.contains(context) && !(binding.refusedReadOnly && readOnly) && !(binding.simulatedOnly && !simulated)
    }

    /// Every help row of the views' keys (what the help screen can list and the README's key table names).
    static var viewHelpRows: [KeyBinding] {
        bindings.filter { $0.help != nil && !$0.contexts.isDisjoint(with: KeyContext.views) }
    }

    /// The bindings the help lists for `context`, one row each.
    static func helpRows(in context: KeyContext) -> [KeyBinding] {
        bindings.filter { $0.help != nil && $0.contexts.contains(context) }
    }
}
