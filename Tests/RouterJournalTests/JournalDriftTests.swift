import RouterAPI
import Testing
@testable import RouterJournal

/// The drift warning: the journal's last applied settings against what the environment gives now.
struct JournalDriftTests {
    @Test func driftNamesWhenWhoAndEachLostValue() {
        var entry = JournalFileTests.entry(0.01)
        entry.sequence = 4
        entry.time = "2026-12-01T10:14:03.123Z"
        var refused = JournalFileTests.entry(0.3)
        refused.result = .refused
        refused.sequence = 5
        let drift = JournalDrift.find(in: [entry, refused], startup: .defaults)
        #expect(drift?.entry.sequence == 4)
        #expect(drift?.warning == "live changes from 2026-12-01 10:14 by alice are not in effect: "
            + "initial backoff (s) 0.01 (now 0.025); start with --resume to keep them")
    }

    @Test func noDriftWhenTheStartSettingsMatchOrNothingWasApplied() {
        let entry = JournalFileTests.entry(0.01)
        var matching = RouterSettings.defaults
        matching.initialBackoff = 0.01
        #expect(JournalDrift.find(in: [entry], startup: matching) == nil)
        #expect(JournalDrift.find(in: [], startup: .defaults) == nil)
    }
}
