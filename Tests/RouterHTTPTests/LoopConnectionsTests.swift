@testable import RouterHTTP
import Testing

@Suite("which loop takes a client connection")
struct LoopConnectionsTests {
    @Test("one loop takes every connection")
    func oneLoop() {
        let connections = LoopConnections(loops: 1)
        #expect((0..<5).map { _ in connections.take() } == [0, 0, 0, 0, 0])
        #expect(connections.openPerLoop == [5])
    }

    @Test("on two loops the router's loop takes every fourth connection, the lower index on a tie")
    func twoLoops() {
        let connections = LoopConnections(loops: 2)
        // Weighted counts after one more: router (n + 1) × 3, the other n + 1.
        #expect((0..<8).map { _ in connections.take() } == [1, 1, 0, 1, 1, 1, 0, 1])
        #expect(connections.openPerLoop == [2, 6])
    }

    @Test("on four loops the router's loop takes one in ten")
    func fourLoops() {
        let connections = LoopConnections(loops: 4)
        for _ in 0..<20 { _ = connections.take() }
        #expect(connections.openPerLoop == [2, 6, 6, 6])
    }

    @Test("a connection given back frees its place for the next one")
    func givenBack() {
        let connections = LoopConnections(loops: 2)
        for _ in 0..<4 { _ = connections.take() }
        #expect(connections.openPerLoop == [1, 3])
        connections.giveBack(1)
        connections.giveBack(1)
        #expect(connections.openPerLoop == [1, 1])
        #expect(connections.take() == 1)
        #expect(connections.take() == 1)
        #expect(connections.openPerLoop == [1, 3])
        connections.giveBack(0)
        // The router's loop would weigh (0 + 1) × 3 = 3, the other 3 + 1 = 4.
        #expect(connections.take() == 0)
    }
}
