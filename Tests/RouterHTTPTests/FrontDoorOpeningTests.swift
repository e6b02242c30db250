import NIOCore
import NIOPosix
@testable import RouterHTTP
import TestSupport
import Testing

/// The front door binds at start but takes clients only once start-up is done (`openFrontDoor`).
@Suite("the front door opens when start-up is done", .serialized)
struct FrontDoorOpeningTests {
    @Test("a client that connects before the front door opens waits in the backlog, then is answered")
    func clientWaitsForOpening() async throws {
        let fixture = try await ProxyFixture.start([ReplicaServerConfiguration(maxOngoing: 4)], eventLoops: 2,
                                                   openFrontDoor: false)
        try await fixture.run {
            // The kernel completes the connection (the listen backlog holds it) and keeps the request.
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("GET /early HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(fixture.proxy.connectionsPerLoop == [0, 0])
            #expect(try await fixture.proxy.tally().get().received == 0)

            fixture.proxy.openFrontDoor()
            try await poll("the early request to be answered") {
                try await client.received().hasPrefix("HTTP/1.1 200 OK\r\n")
            }
            #expect(try await fixture.proxy.tally().get().answered == 1)
            await client.close()
            try await fixture.expectConserved()
        }
    }

    @Test("a front door shut before it opened stops at once, and opening it afterwards takes no client")
    func shutBeforeOpening() async throws {
        let fixture = try await ProxyFixture.start([ReplicaServerConfiguration(maxOngoing: 4)], eventLoops: 2,
                                                   openFrontDoor: false)
        let port = fixture.proxy.port
        // It would wait forever for an accepting thread that never ran.
        try await fixture.shutdown()
        fixture.proxy.openFrontDoor()
        // Closed, the port refuses connections.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        await #expect(throws: (any Error).self) {
            _ = try await RawConnection.open(port: port, on: group)
        }
        #expect(fixture.proxy.connectionsPerLoop == [0, 0])
        try await group.shutdownGracefully()
    }
}
