import Testing
@testable import RouterEngine

/// The binary search the engine's id-ordered collections and the simulation's sorted arrays use.
@Suite("Partition point")
struct PartitionPointTests {
    @Test("the first position at or past a value is the one a walk from the start finds, in arrays and slices")
    func matchesALinearSearch() {
        var random = SeededRandom(seed: 22)
        for _ in 0..<300 {
            let values = (0..<random.below(9)).map { _ in random.below(5) }.sorted()
            let start = random.below(values.count + 1)
            let slice = values[start...]
            for target in -1...5 {
                #expect(values.partitionPoint { $0 >= target } == (values.firstIndex { $0 >= target } ?? values.endIndex))
                #expect(slice.partitionPoint { $0 > target } == (slice.firstIndex { $0 > target } ?? slice.endIndex))
            }
        }
    }

    @Test("an empty collection's partition point is its end; one where every element is past is its start")
    func ends() {
        let empty: [Int] = []
        #expect(empty.partitionPoint { _ in true } == 0)
        #expect([3, 4, 5][1...].partitionPoint { $0 >= 0 } == 1)
        #expect([3, 4, 5].partitionPoint { $0 >= 9 } == 3)
    }

    @Test("the element with a key is found where a walk from the start finds it, and nothing when none has it")
    func indexOfKey() {
        let records = [(1, "a"), (3, "b"), (4, "c"), (9, "d")]
        for key in 0...10 {
            #expect(records.index(ofKey: key) { $0.0 } == records.firstIndex { $0.0 == key })
        }
        let tail = records[2...]
        #expect(tail.index(ofKey: 4) { $0.0 } == 2 && tail.index(ofKey: 3) { $0.0 } == nil)
    }
}
