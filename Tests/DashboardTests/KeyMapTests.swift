import Foundation
import RouterAPI
import Testing
@testable import Dashboard

/// The one key map: dispatch, read-only refusal, confirmation, help and footer all follow it.
struct KeyMapTests {
    static let views: [KeyContext] = [.main, .detail, .models]

    /// A simulated snapshot with settings on trial, so every binding can apply.
    static func snapshot(mode: RouterMode = .simulated) -> RouterSnapshot {
        var snapshot = Fixtures.snapshot(mode: mode)
        snapshot.trial = TrialStatus(by: "alice", seconds: 30, secondsLeft: 20, summary: "initial backoff")
        return snapshot
    }

    static func state(in context: KeyContext) -> DashboardState {
        var state = DashboardState(refreshMilliseconds: 250)
        state.selectedID = "replica-1"
        var journal = JournalViewState(entries: [])
        switch context {
        case .main: state.view = .main
        case .detail: state.view = .detail("replica-1")
        case .models: state.view = .models
        case .help: state.showHelp = true
        case .columnChooser: state.columnChooser = 1
        case .editor: state.editor = ParameterForm(base: .defaults)
        case .filter: state.filterEditing = true
        case .addressInput: state.addressInput = ""
        case .journal: state.journalView = journal
        case .journalEntry:
            journal.showing = 1
            state.journalView = journal
        case .journalFilter:
            journal.filterEditing = true
            state.journalView = journal
        case .journalRevert:
            journal.offer = .init(sequence: 1, settings: .defaults, differences: [])
            state.journalView = journal
        case .quitPrompt: state.quitPrompt = true
        case .confirmation: state.confirmation = .init(question: "kill replica-1", effects: [])
        case .routerStopped:
            state.connection = .stopped(address: "router.sock", since: Date(timeIntervalSince1970: 0))
            state.canRestartRouter = true
        case .traceInput: state.traceLookup = TraceLookup()
        case .trace: state.traceLookup = TraceLookup(id: "req-1", phase: .notFound("req-1 has no trace"))
        }
        #expect(state.keyContext == context)
        return state
    }

    /// The keys that reach `binding`: its own, and a stand-in for the typed text or "any other key".
    static func keys(of binding: KeyBinding) -> [Key] {
        switch binding.otherwise {
        case .nothing: binding.keys
        case .typedText: binding.keys + [.character("x"), .character("é")]
        case .anyKey: binding.keys + [.function(7), .character("x")]
        }
    }

    @Test func everyBindingIsReachableInItsContextsAndNowhereElse() {
        for binding in KeyMap.bindings {
            for context in KeyContext.allCases {
                for key in Self.keys(of: binding) {
                    let found = KeyMap.binding(for: key, in: context)
                    guard binding.contexts.contains(context) else {
                        #expect(found != binding, "\(key) in \(context) reaches \(binding.name)")
                        continue
                    }
                    #expect(found == binding, "\(key) in \(context): \(found?.name ?? "nothing"), not \(binding.name)")
                    let decision = Self.state(in: context).decide(key, in: context, snapshot: Self.snapshot(), readOnly: false)
                    #expect(decision == .perform(binding.action, asksFirst: binding.confirm == .always),
                            "\(key) in \(context): \(decision)")
                }
            }
        }
    }

    @Test func everyKeyBelongsToOneBindingPerContext() {
        for context in KeyContext.allCases {
            let bound = KeyMap.bindings.filter { $0.contexts.contains(context) }
            let keys = bound.flatMap(\.keys)
            #expect(Set(keys).count == keys.count, "a key is bound twice in \(context)")
            #expect(bound.filter { $0.otherwise == .typedText }.count <= 1, "two bindings take the typed text in \(context)")
            #expect(bound.filter { $0.otherwise == .anyKey }.count <= 1, "two bindings take any key in \(context)")
        }
    }

    @Test func escapeLeadsOutOfEveryContextButTheMainTable() {
        // With the router gone there is nothing to go back to: only `r` or `q` lead out.
        for context in KeyContext.allCases where context != .main && context != .routerStopped {
            var state = Self.state(in: context)
            _ = state.handle(.escape, snapshot: Self.snapshot(), readOnly: false)
            #expect(state.keyContext != context, "Esc stays in \(context)")
            #expect(!state.wantsQuit, "Esc quits from \(context)")
        }
    }

    @Test func f10QuitsWhereverQIsTypedOrClosesSomething() {
        for context in KeyContext.quitByF10Only.union([.quitPrompt]) {
            var state = Self.state(in: context)
            _ = state.handle(.function(10), snapshot: Self.snapshot(), readOnly: false)
            #expect(state.wantsQuit, "F10 in \(context)")
        }
    }

    @Test func textContextsTakeTheViewsKeysAsTextAndCtrlUClears() {
        let typed = "q?jJ/+x"
        for context in [KeyContext.editor, .filter, .addressInput, .journalFilter] {
            var state = Self.state(in: context)
            for character in typed {
                #expect(state.handle(.character(character), snapshot: Self.snapshot(), readOnly: false).isEmpty)
            }
            #expect(state.keyContext == context && !state.wantsQuit)
            let text: () -> String? = {
                switch context {
                case .editor: state.editor.map { $0.text($0.focus) }
                case .filter: state.filter
                case .addressInput: state.addressInput
                default: state.journalView?.filter
                }
            }
            #expect(text()?.hasSuffix(typed) == true, "\(context): \(text() ?? "nil")")
            _ = state.handle(.character("\u{15}"), snapshot: Self.snapshot(), readOnly: false)
            #expect(text() == "", "Ctrl-U in \(context)")
        }
    }

    @Test func theQuestionsTakeAnyOtherKeyAsNo() {
        var state = Self.state(in: .quitPrompt)
        _ = state.handle(.character("x"), snapshot: Self.snapshot(), readOnly: false)
        #expect(!state.quitPrompt && !state.wantsQuit)
        #expect(state.status?.text == "quit cancelled: still attached; the router keeps routing")

        state = Self.state(in: .confirmation)
        state.confirmation?.effects = [.send(.injectFault("replica-1", .kill), what: "kill replica-1")]
        let effects = state.handle(.function(7), snapshot: Self.snapshot(), readOnly: false)
        #expect(effects.isEmpty && state.confirmation == nil)
        #expect(state.status?.text == "kill replica-1: cancelled; nothing changed")
    }

    @Test func everyBindingThatChangesTheRouterIsRefusedReadOnlyWithTheReason() {
        let refused = KeyMap.bindings.filter(\.refusedReadOnly)
        #expect(refused.count >= 19)
        for binding in refused {
            for context in KeyContext.allCases where binding.contexts.contains(context) {
                var state = Self.state(in: context)
                let effects = state.handle(binding.keys[0], snapshot: Self.snapshot(), readOnly: true)
                #expect(effects.isEmpty, "\(binding.name) in \(context)")
                #expect(state.status == .init(text: "read-only: \(binding.name) is refused", kind: .refused))
                #expect(state.keyContext == context, "\(binding.name) in \(context) changed what is on screen")
                #expect(!state.stoppingRouter && !state.wantsQuit)
            }
        }
    }

    @Test func bindingsThatChangeNothingAreNotRefusedReadOnly() {
        let harmless = KeyMap.bindings.filter { !$0.refusedReadOnly && $0.contexts.contains(.main) }
        #expect(harmless.count >= 15)
        for binding in harmless {
            let decision = Self.state(in: .main).decide(binding.keys[0], in: .main, snapshot: Self.snapshot(), readOnly: true)
            #expect(decision == .perform(binding.action, asksFirst: false), "\(binding.name)")
        }
    }

    @Test func everyDestructiveBindingAsksFirstAndYCarriesItOut() throws {
        let destructive = KeyMap.bindings.filter { $0.confirm != .never }
        #expect(Set(destructive.map(\.action)) == [.removeReplica, .kill, .drain])
        for binding in destructive {
            let mode: RouterMode = binding.confirm == .inProxy ? .proxy(listen: "127.0.0.1:8000") : .simulated
            var state = Self.state(in: .main)
            let asked = state.handle(binding.keys[0], snapshot: Self.snapshot(mode: mode), readOnly: false)
            #expect(asked.isEmpty, "\(binding.name) acted without asking")
            #expect(state.confirmation != nil, "\(binding.name) did not ask")
            #expect(state.status?.text.hasSuffix("? y confirms, any other key cancels") == true)
            let done = state.handle(.character("y"), snapshot: Self.snapshot(mode: mode), readOnly: false)
            #expect(done.count == 1, "\(binding.name): y carried out \(done.count) effects")
            let sent = try #require(done.first.flatMap { effect -> RouterCommand? in
                if case .send(let command, _) = effect { return command }
                return nil
            }, "\(binding.name): y sends a command")
            let expected: RouterCommand = switch binding.action {
            case .removeReplica: .removeReplica("replica-1")
            case .kill: .injectFault("replica-1", .kill)
            default: .drainReplica("replica-1")
            }
            #expect(sent == expected, "\(binding.name) sends what it names, for the selected replica")
        }
    }

    @Test func drainAsksOnlyAgainstAProxy() throws {
        var state = Self.state(in: .main)
        let effects = state.handle(.character("D"), snapshot: Self.snapshot(), readOnly: false)
        #expect(effects.count == 1)
        let sent = try #require(effects.first.flatMap { effect -> RouterCommand? in
            if case .send(let command, _) = effect { return command }
            return nil
        }, "D sends a command at once on a simulated fleet")
        #expect(sent == .drainReplica("replica-1"), "D drains the selected replica")
        #expect(state.confirmation == nil)
    }

    @Test func fleetOnlyBindingsAreRefusedOnAProxyWithTheReason() {
        for binding in KeyMap.bindings where binding.simulatedOnly {
            var state = Self.state(in: .main)
            let effects = state.handle(binding.keys[0], snapshot: Self.snapshot(mode: .proxy(listen: "127.0.0.1:8000")),
                                       readOnly: false)
            #expect(effects.isEmpty)
            #expect(state.status?.kind == .refused)
            #expect(state.status?.text.hasPrefix("\(binding.name) works only on the simulated fleet") == true)
        }
    }

    /// The key a footer or help label starts with.
    static func firstKey(of label: String) -> Key? {
        let word = label.split(separator: " ").first.map(String.init) ?? ""
        switch word {
        case "Esc": return .escape
        case "Enter": return .enter
        case "Tab": return .tab
        case "↑↓": return .up
        case "PgUp": return .pageUp
        case "Home": return .home
        case "Space": return .character(" ")
        case "Bksp": return .backspace
        case "Del": return .delete
        case let function where function.hasPrefix("F") && Int(function.dropFirst()) != nil:
            return .function(Int(function.dropFirst())!)
        case "type": return .character("x")
        default: return word.count == 1 ? .character(word.first!) : nil
        }
    }

    @Test func theFooterOffersOnlyBindingsValidHere() {
        for context in KeyContext.allCases {
            for readOnly in [false, true] {
                for simulated in [false, true] {
                    let footer = KeyHelp.footer(for: Self.state(in: context), simulated: simulated, readOnly: readOnly)
                    #expect(footer.count >= 2, "\(context)")
                    for (keys, label) in footer {
                        let key = Self.firstKey(of: keys)
                        #expect(key != nil, "footer \(keys) names no key")
                        let binding = key.flatMap { KeyMap.binding(for: $0, in: context) }
                        let offered = binding.map { KeyMap.isOffered($0, in: context, simulated: simulated, readOnly: readOnly) }
                        #expect(offered == true, "footer \(keys) \(label) in \(context), read-only \(readOnly)")
                    }
                }
            }
        }
    }

    @Test func theHelpListsOnlyBindingsValidInTheViewBeneath() {
        for context in Self.views {
            let rows = KeyHelp.all(in: context)
            for row in rows {
                let key = Self.firstKey(of: row.keys)
                #expect(key != nil, "help row \(row.keys) names no key")
                #expect(key.flatMap { KeyMap.binding(for: $0, in: context) } != nil, "help row \(row.keys) in \(context)")
            }
        }
        #expect(KeyHelp.all(in: .main).contains { $0.keys == "Tab" })
        // In the detail, Tab and Enter are the recent requests' keys, not the table's.
        #expect(KeyHelp.all(in: .detail).filter { $0.keys == "Tab" || $0.keys == "Enter" }.map(\.action)
            == ["select a recent request", "its trace"])
        #expect(!KeyHelp.all(in: .models).contains { $0.keys == "Tab" || $0.keys == "Enter" })
    }

    @Test func theHelpAndTheColumnChooserDispatchThroughTheMap() {
        var state = Self.state(in: .help)
        _ = state.handle(.tab, snapshot: Self.snapshot(), readOnly: false)
        #expect(state.helpPage == .columns)
        _ = state.handle(.character("e"), snapshot: Self.snapshot(), readOnly: false)
        #expect(state.editor == nil && state.showHelp, "e is not bound over the help")
        _ = state.handle(.escape, snapshot: Self.snapshot(), readOnly: false)
        #expect(!state.showHelp)

        state = Self.state(in: .columnChooser)
        let column = ReplicaColumn.allCases[1]
        _ = state.handle(.character(" "), snapshot: Self.snapshot(), readOnly: false)
        #expect(state.hiddenColumns == [column])
        _ = state.handle(.character("q"), snapshot: Self.snapshot(), readOnly: false)
        #expect(state.columnChooser == nil && !state.wantsQuit, "q closes the chooser, it does not quit")
    }
}
