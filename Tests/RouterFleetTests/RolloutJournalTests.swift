import RouterAPI
import RouterFleet
import Testing

@Suite struct RolloutJournalTests {
    func entry(_ sequence: UInt64, _ time: String, verb: String, rollout: RolloutMark?) -> JournalEntry {
        JournalEntry(sequence: sequence, time: time, who: JournalWho(login: "alice", via: .api),
                     change: ChangeRecord(subject: .settings, verb: verb, old: .settings(.defaults), new: .settings(.defaults)),
                     result: .applied, rollout: rollout)
    }

    @Test func aRolloutIsOneLineThatOpensIntoEveryRoutersParts() {
        let mark = RolloutMark(id: "r-1", targets: ["a", "b"])
        let journal = RolloutJournal(journals: [
            (router: "a", entries: [
                entry(1, "2026-12-02T10:00:00.000Z", verb: "set", rollout: nil),
                entry(2, "2026-12-02T10:00:01.000Z", verb: "trial", rollout: mark),
                entry(3, "2026-12-02T10:00:03.000Z", verb: "confirm", rollout: mark),
            ]),
            (router: "b", entries: [
                entry(8, "2026-12-02T10:00:02.000Z", verb: "trial", rollout: mark),
                entry(9, "2026-12-02T10:00:04.000Z", verb: "confirm", rollout: mark),
            ]),
        ])
        #expect(journal.lines.count == 2)
        let rollout = journal.rollout("r-1")
        #expect(rollout?.parts.map(\.router) == ["a", "b", "a", "b"])
        #expect(rollout?.parts.map(\.entry.sequence) == [2, 8, 3, 9])
        #expect(rollout?.confirmed == ["a", "b"])
        #expect(rollout?.line.hasPrefix("rollout r-1 2026-12-02T10:00:01.000Z") == true)
        #expect(rollout?.line.contains("2/2 routers kept it (targets a, b) — 4 parts") == true)
        let one = RolloutJournal(journals: [(router: "a", entries: [entry(2, "2026-12-02T10:00:01.000Z", verb: "trial", rollout: mark),
                                                                     entry(3, "2026-12-02T10:00:03.000Z", verb: "confirm", rollout: mark)])])
        #expect(one.rollout("r-1")?.line.contains("1/1 routers of the 1 whose journals are read kept it (targets a, b)") == true)
    }

    @Test func theRolloutMarkTravelsInTheJournalLine() throws {
        let mark = RolloutMark(id: "r-2", targets: ["a"])
        let written = entry(4, "2026-12-02T10:00:01.000Z", verb: "trial", rollout: mark)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(written)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""rollout":{"rollout_id":"r-2","targets":["a"]}"#))
        #expect(try JSONDecoder().decode(JournalEntry.self, from: data) == written)
    }

    @Test(arguments: [
        ("r 1", "a"), (String(repeating: "x", count: 65), "a"), ("", "a"),
    ])
    func aBadRolloutHeaderIsRefused(id: String, targets: String) {
        switch RolloutMark.parse(id: id, targets: targets) {
        case .success: Issue.record("\(id) was taken as a rollout id")
        case .failure(let problem): #expect(problem.status == 400)
        }
    }
}

import Foundation
