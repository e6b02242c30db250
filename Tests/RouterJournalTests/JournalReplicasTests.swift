import RouterAPI
import Testing
@testable import RouterJournal

/// The replica set `--resume` restores: the journal's replica changes replayed over the command line's.
struct JournalReplicasTests {
    static func entry(_ verb: String, _ target: String?, new: ChangeValue = .absent, result: JournalResult = .applied,
                      time: String = "2026-12-01T10:14:03.123Z") -> JournalEntry {
        JournalEntry(sequence: 1, time: time, who: JournalWho(login: "alice", via: .api),
                     change: ChangeRecord(subject: .replica, target: target, verb: verb, old: .absent, new: new),
                     result: result)
    }

    @Test func addsRemovesAndDrainsReplayInOrder() {
        let entries = [
            Self.entry("add", "h:3", new: .text("http://h:3")),
            Self.entry("remove", "h:1", new: .text("remove")),
            Self.entry("drain", "h:2", new: .text("drain")),
            Self.entry("add", "h:4", new: .text("http://h:4")),
            Self.entry("drain", "h:4", new: .text("drain")),
            Self.entry("undrain", "h:4", new: .text("undrain"), time: "2026-12-01T10:20:00.000Z"),
        ]
        let replayed = JournalReplicas.replay(entries, over: ["h:1", "h:2"])
        #expect(replayed.present == ["h:2", "h:3", "h:4"])
        #expect(replayed.added == ["h:3", "h:4"] && replayed.addedURLs == ["h:3": "http://h:3", "h:4": "http://h:4"])
        #expect(replayed.removed == ["h:1"] && replayed.drained == ["h:2"])
        #expect(replayed.summary == "added h:3, h:4; removed h:1; drained h:2")
        #expect(JournalDrift.replicaWarning(replayed) == "live replica changes up to 2026-12-01 10:20 by alice are not in "
            + "effect: added h:3, h:4; removed h:1; drained h:2; start with --resume to keep them")
    }

    @Test func refusedChangesAreTakenBackAndARepeatedAddKeepsTheFirst() {
        let entries = [
            // Journaled, then the address did not resolve.
            Self.entry("add", "nowhere:1", new: .text("http://nowhere:1")),
            Self.entry("add", "nowhere:1", new: .text("http://nowhere:1"), result: .refused),
            Self.entry("add", "h:3", new: .text("http://h:3")),
            // Added again while present: the router refuses the duplicate, and h:3 stays.
            Self.entry("add", "h:3", new: .text("http://h:3")),
            Self.entry("add", "h:3", new: .text("http://h:3"), result: .refused),
            Self.entry("remove", "h:1", new: .text("remove")),
            Self.entry("remove", "h:1", new: .text("remove"), result: .refused),
        ]
        let replayed = JournalReplicas.replay(entries, over: ["h:1"])
        #expect(replayed.present == ["h:3", "h:1"])
        #expect(replayed.added == ["h:3"] && replayed.removed.isEmpty && replayed.drained.isEmpty)
    }

    @Test func aJournalWithoutReplicaChangesLeavesTheStartUpSetAndWarnsOfNothing() {
        let replayed = JournalReplicas.replay([JournalFileTests.entry(0.01)], over: ["h:1"])
        #expect(replayed.isUnchanged && replayed.present == ["h:1"])
        #expect(JournalDrift.replicaWarning(replayed) == nil)
    }
}
