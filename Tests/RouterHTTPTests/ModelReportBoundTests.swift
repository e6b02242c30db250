import Foundation
@testable import RouterHTTP
import RouterEngine
import Testing

/// Probe answers are read up to a bound that fits the 256 model ids a report may hold: a longer
/// list keeps its first 256 valid ids and counts the rest, never silently cut or dropped whole.
@Suite struct ModelReportBoundTests {
    static func ids(_ count: Int) -> [String] {
        (0..<count).map { _ in UUID().uuidString }
    }

    /// The answer the probe makes of `body`, fed in 4 KiB parts as the connection reads it.
    static func answer(_ body: String) -> ProbeAnswer? {
        var state = ProbeCallState()
        state.head(.ok)
        let bytes = Array(body.utf8)
        var start = 0
        while start < bytes.count {
            state.body(bytes[start..<min(start + 4096, bytes.count)])
            start += 4096
        }
        return state.ended()
    }

    static func body(_ ids: [String]) -> String {
        #"{"queue_length": 1, "multiplexed_model_ids": ["# + ids.map { "\"\($0)\"" }.joined(separator: ", ") + "]}"
    }

    @Test func aReportOf200UUIDsIsReadWhole() {
        let ids = Self.ids(200)
        #expect(Self.answer(Self.body(ids)) == .queueLength(1, models: ids))
    }

    @Test func aLongerListKeepsTheFirst256AndCountsTheRest() {
        let ids = Self.ids(100_000)
        // The ids read whole past the first 256 are counted one by one, and what the bound cut as one more.
        let counted = Self.readBeyond(ids) + 1
        #expect(Self.readBeyond(ids) > 0)
        #expect(Self.answer(Self.body(ids)) == .queueLength(1, models: Array(ids.prefix(256)), modelsNotKept: counted))
    }

    /// How many ids past the first 256 fit in the probe's body bound (the rest is cut, counted as one).
    static func readBeyond(_ ids: [String]) -> Int {
        let prefix = #"{"queue_length": 1, "multiplexed_model_ids": ["#.utf8.count
        var size = prefix
        var count = 0
        for id in ids {
            size += id.utf8.count + 2 + (count == 0 ? 0 : 2)
            if size > ProbeCallState.maxBody { break }
            count += 1
        }
        return count - 256
    }

    @Test func aHugeIdIsNotValidAndTheIdsBeforeItAreKept() {
        let huge = String(repeating: "x", count: 1024 * 1024)
        let answer = Self.answer(Self.body(["a", "b", huge, "c"]))
        #expect(answer == .queueLength(1, models: ["a", "b"], modelsNotKept: 1), "the body is cut inside the huge id")
        let long = String(repeating: "y", count: ModelIDsReply.idLimit + 1)
        #expect(Self.answer(Self.body(["a", long, "c"])) == .queueLength(1, models: ["a", "c"], modelsNotKept: 1))
    }
}
