import Dashboard
import RouterEngine
import Testing

@Suite("The parameter editor")
struct ParameterEditorTests {
    @Test("the preview shows 0, 25, 50, 100 … ms for the defaults, and the cumulative wait")
    func previewForDefaults() throws {
        let steps = try #require(ParameterForm(base: .defaults).preview())
        #expect(steps.map { Int(($0.waitSeconds * 1000).rounded()) } == [0, 25, 50, 100, 200, 400, 500, 500, 500, 500])
        #expect(steps.map { Int(($0.cumulativeBeforeSeconds * 1000).rounded()) }
            == [0, 0, 25, 75, 175, 375, 775, 1275, 1775, 2275])
        let dashboard = Fixtures.controller(FakeRouterControl(Fixtures.snapshot()))
        dashboard.handle(.character("e"))
        let screen = dashboard.render(size: TerminalSize(columns: 100, rows: 30))
        let waits = try #require(screen.rows(containing: "wait after (ms)").first)
        let numbers = waits.split(separator: " ").compactMap { Int($0) }
        #expect(numbers == [0, 25, 50, 100, 200, 400, 500, 500, 500, 500])
        let before = try #require(screen.rows(containing: "waited before (ms)").first)
        #expect(before.split(separator: " ").compactMap { Int($0) } == [0, 0, 25, 75, 175, 375, 775, 1275, 1775, 2275])
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        var field: RouterSettingKey
        var text: String
        var reason: String
        var testDescription: String { "\(field.label) = \"\(text)\"" }
    }

    static let refusals: [Refusal] = [
        Refusal(field: .initialBackoff, text: "abc", reason: "is not a number; it must be a finite number ≥ 0"),
        Refusal(field: .initialBackoff, text: "-1", reason: "is negative; it must be a finite number ≥ 0"),
        Refusal(field: .initialBackoff, text: "", reason: "is empty; it must be a finite number ≥ 0"),
        Refusal(field: .backoffMultiplier, text: "0.5", reason: "is below 1; it must be a finite number ≥ 1"),
        Refusal(field: .backoffMultiplier, text: "inf", reason: "is not finite; it must be a finite number ≥ 1"),
        Refusal(field: .maxBackoff, text: "0.01", reason: "is below the initial backoff 0.025; it must be at least the initial backoff"),
        Refusal(field: .maxBackoff, text: "1 ", reason: "is not a number; it must be a finite number ≥ the initial backoff"),
        Refusal(field: .probeDeadline, text: "0", reason: "is zero; it must be a finite number > 0"),
        Refusal(field: .maxProbeDeadline, text: "-2", reason: "is negative; it must be a finite number > 0"),
        Refusal(field: .cacheTimeout, text: "nan", reason: "is not finite; it must be a finite number ≥ 0"),
        Refusal(field: .cacheTimeout, text: "0x10", reason: "is not a number; it must be a finite number ≥ 0"),
    ]

    @Test("each invalid input is refused with its reason and changes nothing", arguments: refusals)
    func refusesInvalidInput(_ refusal: Refusal) throws {
        let control = FakeRouterControl(Fixtures.snapshot())
        let dashboard = Fixtures.controller(control)
        let size = TerminalSize(columns: 160, rows: 50)
        _ = dashboard.render(size: size)
        dashboard.handle(.function(4))
        while dashboard.editorForm?.focus != refusal.field { dashboard.handle(.tab) }
        dashboard.handle(.delete)
        dashboard.type(refusal.text)
        let form = try #require(dashboard.editorForm)
        #expect(form.validate().errors[refusal.field]?.reason == refusal.reason)
        let screen = dashboard.render(size: size)
        let line = try #require(screen.rows(containing: "│ " + refusal.field.label).first)
        #expect(line.contains(refusal.reason), "the reason is shown next to the field")
        dashboard.handle(.enter)
        #expect(control.commands.isEmpty, "a refused form is not applied")
        #expect(dashboard.isEditing, "the form stays open to be fixed")
        #expect(dashboard.render(size: size).contains("not applied: \(refusal.field.label) \(refusal.reason)"))
    }

    @Test("the validator's message is the one the editor shows")
    func sharedValidator() throws {
        var form = ParameterForm(base: .defaults)
        form.setText("2", for: .initialBackoff)
        let error = try #require(form.validate().errors[.maxBackoff])
        let expected: ConfigurationError
        do {
            try SettingsValidator.validate(RouterSettings(initialBackoff: 2), subject: { $0.label })
            Issue.record("the validator accepted max below initial")
            return
        } catch {
            expected = error
        }
        #expect(error == expected)
    }

    @Test("a valid form applies the new settings once and closes")
    func apply() throws {
        let control = FakeRouterControl(Fixtures.snapshot())
        let dashboard = Fixtures.controller(control)
        _ = dashboard.render(size: TerminalSize(columns: 120, rows: 40))
        dashboard.handle(.character("e"))
        dashboard.handle(.delete)
        dashboard.type("0.01")
        let screen = dashboard.render(size: TerminalSize(columns: 120, rows: 40))
        #expect(screen.rows(containing: "wait after (ms)").first?.split(separator: " ").compactMap { Int($0) }.prefix(4)
            == [0, 10, 20, 40])
        dashboard.handle(.enter)
        #expect(control.commands == [.settings(.apply(RouterSettings(initialBackoff: 0.01)))])
        #expect(control.origins == [CommandOrigin(user: "alice", address: "10.0.0.5")])
        #expect(!dashboard.isEditing)
        #expect(dashboard.render(size: TerminalSize(columns: 120, rows: 40)).contains("apply settings: done"))
    }

    @Test("a refusal from the router is shown with its reason")
    func routerRefusal() {
        let control = FakeRouterControl(Fixtures.snapshot())
        control.setReply(.refused("the router is shutting down"))
        let dashboard = Fixtures.controller(control)
        dashboard.handle(.character("e"))
        dashboard.handle(.delete)
        dashboard.type("0.2")
        dashboard.handle(.enter)
        #expect(dashboard.render(size: TerminalSize(columns: 120, rows: 40))
            .contains("apply settings refused: the router is shutting down"))
    }

    @Test("Esc cancels and changes nothing; resizing keeps the form")
    func cancelAndResize() throws {
        let control = FakeRouterControl(Fixtures.snapshot())
        let dashboard = Fixtures.controller(control)
        dashboard.handle(.character("e"))
        dashboard.handle(.down)
        dashboard.handle(.delete)
        dashboard.type("3")
        let before = try #require(dashboard.editorForm)
        for size in [TerminalSize(columns: 120, rows: 40), TerminalSize(columns: 30, rows: 8), TerminalSize(columns: 40, rows: 10)] {
            dashboard.handle(.resize)
            _ = dashboard.render(size: size)
        }
        #expect(dashboard.editorForm == before)
        #expect(dashboard.render(size: TerminalSize(columns: 120, rows: 40)).rows(containing: "backoff multiplier").first?.contains("3_") == true)
        dashboard.handle(.escape)
        #expect(!dashboard.isEditing)
        #expect(control.commands.isEmpty)
    }

    @Test("fields typed but unchanged are not pending; changed ones are")
    func pending() {
        var form = ParameterForm(base: .defaults)
        #expect(!form.isPending(.initialBackoff))
        form.setText("0.0250", for: .initialBackoff)
        #expect(!form.isPending(.initialBackoff))
        form.setText("0.03", for: .initialBackoff)
        #expect(form.isPending(.initialBackoff))
    }
}

/// The editor's trial field: after the settings in the focus order, empty for a normal apply.
struct ParameterFormTrialTests {
    @Test func theTrialFieldFollowsTheSettingsAndParsesSeconds() {
        var form = ParameterForm(base: .defaults)
        form.moveFocus(by: -1)
        #expect(form.trialFocused)
        #expect(form.trialSeconds() == .success(nil))
        form.type("3")
        form.type("0")
        #expect(form.trialSeconds() == .success(30))
        #expect(form.text(.cacheTimeout) == "10")
        form.moveFocus(by: 1)
        #expect(!form.trialFocused)
        #expect(form.focus == .initialBackoff)
    }

    @Test func aTrialLengthOutOfRangeIsRefusedWithTheReason() {
        var form = ParameterForm(base: .defaults)
        form.moveFocus(by: -1)
        form.type("0")
        guard case .failure(let error) = form.trialSeconds() else {
            Issue.record("a trial of 0 s was accepted")
            return
        }
        #expect(error.reason == "is not a trial length; it must be a whole number of seconds from 1 to 3600, or empty")
    }
}
