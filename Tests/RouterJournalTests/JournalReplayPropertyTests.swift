import Foundation
import PropertyBased
import RouterAPI
import RouterEngine
import Testing
@testable import RouterJournal

/// After any random sequence of changes (valid and invalid sets, undos, trials that are confirmed,
/// time out or lose their session, reverts to earlier entries), replaying the journal's lines gives
/// the live settings, and every applied entry starts from where the one before left off.
///
/// The journal is kept in memory and its lines go through the file's JSON encoding: thousands of
/// fsyncs would only measure the disk (the file itself is tested in `JournalFileTests`).
struct JournalReplayPropertyTests {
    @Test func replayingTheJournalReproducesTheLiveSettings() async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...40)) { seed, steps in
            let journal = MemoryJournal()
            let scheduler = VirtualScheduler()
            let router = Router(settings: .defaults, scheduler: scheduler, random: SeededRandom(seed: 1))
            router.journal = journal
            var random = SeededRandom(seed: UInt64(seed))
            let origin = CommandOrigin(user: "op", via: .api)
            for _ in 0..<steps {
                var settings = router.settings
                settings.initialBackoff = [0, 0.01, 0.025, 0.2, 0.6, -1][Int(random.next() % 6)]
                settings.maxBackoff = [0.5, 0.3, 1, 2][Int(random.next() % 4)]
                let command: SettingsCommand
                switch random.next() % 7 {
                case 0, 1: command = .apply(settings)
                case 2: command = .undo
                case 3: command = .applyOnTrial(settings, seconds: Int(random.next() % 20) + 1, session: "s")
                case 4: command = .confirm
                case 5: command = .endSession("s")
                default:
                    let entries = journal.entries
                    guard !entries.isEmpty else { continue }
                    let pick = entries[Int(random.next() % UInt64(entries.count))].sequence
                    guard let target = JournalReplay.settings(after: pick, in: entries) else { continue }
                    command = .revert(target, entry: pick)
                }
                _ = router.perform(settings: command, by: origin)
                scheduler.advance(by: .seconds(Int64(random.next() % 15)))
            }
            let encoder = JSONEncoder()
            let lines = journal.entries.compactMap { try? encoder.encode($0) }
            let entries = lines.compactMap { try? JSONDecoder().decode(JournalEntry.self, from: $0) }
            #expect(entries == journal.entries)
            let replayed = JournalReplay.lastSettings(in: entries)?.change.new.settings ?? .defaults
            #expect(replayed == router.settings)
            var live = RouterSettings.defaults
            for entry in entries where entry.result == .applied {
                #expect(entry.change.old.settings == live)
                live = entry.change.new.settings ?? live
            }
        }
    }
}
