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
}
