import Dashboard
import Foundation
import RouterAPI
import RouterEngine
import Testing

/// A control with a journal: the fake router, and entries to show.
final class JournaledFakeControl: RouterControl, Sendable {
    let base: FakeRouterControl
    let entries: [JournalEntry]

    init(_ base: FakeRouterControl, entries: [JournalEntry]) {
        self.base = base
        self.entries = entries
    }

    func latestSnapshot() -> RouterSnapshot { base.latestSnapshot() }
    func perform(_ command: RouterCommand, by origin: CommandOrigin, completion: @escaping @Sendable (CommandResult) -> Void) {
        base.perform(command, by: origin, completion: completion)
    }
    func journal(completion: @escaping @Sendable (Result<JournalReply, JournalWriteError>) -> Void) {
        completion(.success(JournalReply(entries: entries, path: "/state/x.journal.jsonl", problems: [])))
    }
}

/// The journal view: newest first, filtered, one entry whole, a revert offer listing what changes.
struct JournalViewTests {
    let size = TerminalSize(columns: 140, rows: 30)

    static func entry(_ sequence: UInt64, initial: Double, from old: Double, login: String) -> JournalEntry {
        var before = Fixtures.snapshot().settings
        before.initialBackoff = old
        var after = before
        after.initialBackoff = initial
        return JournalEntry(sequence: sequence, time: "2026-12-01T10:1\(sequence):00.000Z",
                            who: JournalWho(login: login, via: .api),
                            change: ChangeRecord(subject: .settings, verb: "set", old: .settings(before), new: .settings(after)),
                            result: .applied)
    }

    @Test func newestFirstFilteredAndRevertedWithAConfirmation() {
        var live = Fixtures.snapshot()
        live.settings.initialBackoff = 0.05
        let fake = FakeRouterControl(live)
        let start = Fixtures.snapshot().settings.initialBackoff
        let control = JournaledFakeControl(fake, entries: [
            Self.entry(1, initial: 0.01, from: start, login: "alice"),
            Self.entry(2, initial: 0.05, from: 0.01, login: "bob"),
        ])
        let dashboard = DashboardController(control: control, configuration: Fixtures.configuration(), theme: .plain)
        dashboard.handle(.character("J"))
        var screen = dashboard.render(size: size)
        let bob = screen.rows(containing: "#2 ").first
        let alice = screen.rows(containing: "#1 ").first
        #expect(bob?.contains("bob (api) settings set: initial backoff (s) 0.01 → 0.05 — applied") == true)
        let rowOfBob = (0..<screen.height).first { screen.row($0).contains("#2 ") }
        let rowOfAlice = (0..<screen.height).first { screen.row($0).contains("#1 ") }
        #expect(alice != nil)
        #expect(rowOfBob! < rowOfAlice!, "newest first")

        dashboard.handle(.character("/"))
        dashboard.type("alice")
        dashboard.handle(.enter)
        screen = dashboard.render(size: size)
        #expect(!screen.contains("#2 "))
        dashboard.handle(.enter)
        #expect(dashboard.render(size: size).contains("who: alice via api"))
        dashboard.handle(.escape)

        dashboard.handle(.character("R"))
        screen = dashboard.render(size: size)
        #expect(screen.contains("Revert to the settings just after #1? These change:"))
        #expect(screen.contains("initial backoff (s) 0.05 → 0.01"))
        #expect(fake.commands.isEmpty)
        dashboard.handle(.character("y"))
        var target = live.settings
        target.initialBackoff = 0.01
        #expect(fake.commands == [.settings(.revert(target, entry: 1))])
    }
}
