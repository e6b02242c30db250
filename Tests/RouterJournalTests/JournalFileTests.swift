import Foundation
import RouterAPI
import Testing
@testable import RouterJournal

/// The journal on disk: numbered lines, durable across reopening, a torn last line reported and
/// survived, rotation at its size limit.
struct JournalFileTests {
    static func temporaryPath(_ name: String = "router.journal.jsonl") -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        return directory + "/" + name
    }

    static func entry(_ initial: Double, from old: Double = 0.025, login: String = "alice") -> JournalEntry {
        var before = RouterSettings.defaults
        before.initialBackoff = old
        var after = RouterSettings.defaults
        after.initialBackoff = initial
        return JournalEntry(who: JournalWho(login: login, uid: 1000, sshClient: "10.0.0.5", via: .api),
                            change: ChangeRecord(subject: .settings, verb: "set", old: .settings(before), new: .settings(after)),
                            result: .applied)
    }

    @Test func entriesAreNumberedTimedAndReadBack() throws {
        let path = Self.temporaryPath()
        let moment = Date(timeIntervalSince1970: 1_796_120_043.123)
        let journal = try JournalFile.open(path: path, now: { moment }).get()
        let first = try journal.append(Self.entry(0.01)).get()
        let second = try journal.append(Self.entry(0.02, from: 0.01)).get()
        #expect(first.sequence == 1)
        #expect(second.sequence == 2)
        #expect(first.time == "2026-12-01T10:14:03.123Z")
        let read = journal.read(after: 1)
        #expect(read.entries == [second])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 2)
        #expect(text.contains(#""who":{"login":"alice","ssh_client":"10.0.0.5","uid":1000,"via":"api"}"#))
        #expect(text.contains(#""initial_backoff_s":0.01"#))
    }

    @Test func reopeningContinuesTheNumbering() throws {
        let path = Self.temporaryPath()
        _ = try JournalFile.open(path: path).get().append(Self.entry(0.01)).get()
        let again = try JournalFile.open(path: path).get()
        #expect(again.openingProblems.isEmpty)
        #expect(try again.append(Self.entry(0.02)).get().sequence == 2)
    }

    @Test func aTornLastLineIsReportedAndTheNextEntryStartsOnItsOwnLine() throws {
        let path = Self.temporaryPath()
        _ = try JournalFile.open(path: path).get().append(Self.entry(0.01)).get()
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":2,"time":"2026-"#.utf8))
        try handle.close()

        let reopened = try JournalFile.open(path: path).get()
        #expect(reopened.openingProblems.count == 1)
        #expect(reopened.openingProblems.first?.hasPrefix("\(path):2: the last line is torn") == true)
        let next = try reopened.append(Self.entry(0.03)).get()
        #expect(next.sequence == 2)
        let read = JournalReader.read(journal: path)
        #expect(read.entries.map(\.sequence) == [1, 2])
        #expect(read.problems == ["\(path):2: not a journal entry (a write cut short?); skipped"])
    }

    @Test func rotatesAtItsLimitAndKeepsFiveFiles() throws {
        let path = Self.temporaryPath()
        let journal = try JournalFile.open(path: path, maxBytes: 1000).get()
        for index in 1...40 {
            _ = try journal.append(Self.entry(0.001 * Double(index))).get()
        }
        let files = (try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)).sorted()
        #expect(files == ["router.journal.jsonl", "router.journal.jsonl.1", "router.journal.jsonl.2",
                          "router.journal.jsonl.3", "router.journal.jsonl.4", "router.journal.jsonl.lock"])
        for file in files {
            let size = try #require(FileManager.default.attributesOfItem(atPath: (path as NSString)
                .deletingLastPathComponent + "/" + file)[.size] as? Int)
            #expect(size <= 1000)
        }
        let kept = journal.read(after: 0).entries.map(\.sequence)
        #expect(kept.last == 40)
        #expect(kept == Array(kept.first!...40))
        #expect(kept.first! > 1)
    }

    @Test func aJournalThatCannotBeCreatedIsNamed() {
        guard case .failure(let error) = JournalFile.open(path: "/proc/no-such-dir/x.journal.jsonl") else {
            Issue.record("a journal under /proc opened")
            return
        }
        #expect(error.message.hasPrefix("--journal=/proc/no-such-dir/x.journal.jsonl"))
    }
}
