import RouterHTTP
import Testing

@Suite("descriptor headroom at start")
struct DescriptorHeadroomTests {
    @Test("start-up needs 19 descriptors, 3 per event loop and 16 spare")
    func required() {
        #expect(DescriptorHeadroom.required(eventLoops: 1) == 38)
        #expect(DescriptorHeadroom.required(eventLoops: 2) == 41)
        #expect(DescriptorHeadroom.required(eventLoops: 64) == 227)
    }

    @Test("a limit below what is needed is named with the need; one at it or above, or unknown, is not")
    func problem() {
        #expect(DescriptorHeadroom.problem(limit: 40, eventLoops: 2)
            == "the descriptor limit (ulimit -n) is 40, below the 41 routertop needs to start with 2 event loops; raise it or run fewer loops (--event-loops)")
        #expect(DescriptorHeadroom.problem(limit: 37, eventLoops: 1)?.contains("with 1 event loop;") == true)
        #expect(DescriptorHeadroom.problem(limit: 41, eventLoops: 2) == nil)
        #expect(DescriptorHeadroom.problem(limit: 1_024, eventLoops: 2) == nil)
        #expect(DescriptorHeadroom.problem(limit: nil, eventLoops: 2) == nil)
    }
}
