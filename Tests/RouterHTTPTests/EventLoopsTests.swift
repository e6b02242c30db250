import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import RouterEngine
@testable import RouterHTTP
import TestSupport
import Testing

@Suite("proxy on several event loops", .serialized)
struct EventLoopsTests {
    @Test("four loops under concurrent load: one router, every request counted once, caps held, in flight back to 0")
    func fourLoopsOneRouter() async throws {
        let cap = 4
        // No queue-length endpoint: the router counts each replica's requests itself, so its cap is
        // a hard limit (as with the benchmark's nginx backends); with probes it is the replica's word.
        var replica = ReplicaServerConfiguration(maxOngoing: cap, serviceTime: .milliseconds(3))
        replica.answersQueueLength = false
        let fixture = try await ProxyFixture.start([replica, replica, replica, replica], eventLoops: 4)
        try await fixture.run {
            #expect(fixture.proxy.eventLoopCount == 4)
            let ids = fixture.replicas.map { ReplicaID("127.0.0.1:\($0.port)") }
            // The router's in-flight count of each replica, sampled on its loop while the load runs.
            let highest = NIOLockedValueBox([Int](repeating: 0, count: ids.count))
            let running = NIOLockedValueBox(true)
            let sampler = Task {
                while running.withLockedValue({ $0 }) {
                    let inFlight = try await fixture.proxy.withRouter { router in ids.map { router.replica($0)?.inFlight ?? -1 } }.get()
                    highest.withLockedValue { for (index, count) in inFlight.enumerated() { $0[index] = max($0[index], count) } }
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
            let count = 600
            let outcomes = try await fixture.sendConcurrently(count)
            running.withLockedValue { $0 = false }
            try await sampler.value
            #expect(outcomes.count == count)
            #expect(outcomes.allSatisfy { $0.status == .ok })
            try await fixture.expectConserved()

            // Each request was counted once: by the client, the router and one replica.
            let totals = try await fixture.proxy.totals().get()
            #expect(totals.admitted == count)
            #expect(totals.completed == count)
            var served: [Int] = []
            var rejected: [Int] = []
            for server in fixture.replicas {
                served.append(try await server.served().get())
                rejected.append(try await server.rejected().get())
            }
            #expect(served.reduce(0, +) == count, "served \(served)")
            // A replica refuses work beyond its cap: none refused, so none was sent more than its cap.
            #expect(rejected == [0, 0, 0, 0], "rejected \(rejected)")
            let peaks = highest.withLockedValue { $0 }
            #expect(peaks.allSatisfy { $0 <= cap }, "in flight peaked at \(peaks)")

            // The clients were served on every loop, yet one router saw them all.
            let perLoop = try await fixture.proxy.tallyPerLoop().get()
            #expect(perLoop.count == 4)
            #expect(perLoop.allSatisfy { $0.received > 0 }, "received per loop \(perLoop.map(\.received))")
            #expect(perLoop.map(\.received).reduce(0, +) == count)

            // In flight is back to exactly 0 everywhere, and the snapshot shows one router with all replicas.
            let inFlight = try await fixture.proxy.withRouter { router in ids.map { router.replica($0)?.inFlight ?? -1 } }.get()
            #expect(inFlight == [0, 0, 0, 0])
            let snapshot = try await fixture.proxy.live.withHost { $0.snapshot() }.get()
            #expect(Set(snapshot.replicas.map(\.id)) == Set(ids))
            #expect(snapshot.replicas.map(\.completed).reduce(0, +) == count)
            #expect(snapshot.replicas.allSatisfy { $0.inFlight == 0 })
            #expect(snapshot.proxy?.bodyBytesReserved == 0)
        }
    }

    @Test("on several loops, the connection limit holds across loops")
    func sharedLimits() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 8, serviceTime: .milliseconds(300))
        let fixture = try await ProxyFixture.start([replica], eventLoops: 3) { configuration in
            configuration.maxConnections = 5
        }
        try await fixture.run {
            // Ten clients at once on three loops: five are held open by slow answers, the rest refused.
            let outcomes = try await fixture.sendConcurrently(10)
            let answered = outcomes.filter { $0.status == .ok }.count
            let figures = try await fixture.proxy.figures().get()
            #expect(answered + figures.refusedConnections == 10, "answered \(answered), figures \(figures)")
            #expect(answered >= 5, "answered \(answered)")
            // A client can read its answer before the router's side of the connection has closed.
            try await poll("every connection closed") { try await fixture.proxy.figures().get().connections == 0 }
            try await fixture.expectConserved()
        }
    }

    @Test("the router's loop takes a quarter of the clients on two loops, and a closed connection gives its place back")
    func weightedSpread() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 16, serviceTime: .milliseconds(1))
        let fixture = try await ProxyFixture.start([replica], eventLoops: 2)
        try await fixture.run {
            /// Opens `count` keep-alive clients, each answered once and left open.
            func openClients(_ count: Int) async throws -> [RawConnection] {
                var clients: [RawConnection] = []
                for _ in 0..<count {
                    let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
                    try await client.send("GET / HTTP/1.1\r\nHost: proxy\r\n\r\n")
                    clients.append(client)
                }
                for client in clients {
                    try await poll("an answer") { try await client.received().hasPrefix("HTTP/1.1 200 OK") }
                }
                return clients
            }
            let first = try await openClients(8)
            // The router's loop weighs each of its clients three times: 2 of 8, not round robin's 4.
            #expect(fixture.proxy.connectionsPerLoop == [2, 6])
            #expect(try await fixture.proxy.tallyPerLoop().get().map(\.received) == [2, 6])

            for client in first { await client.close() }
            try await poll("every place given back") { fixture.proxy.connectionsPerLoop == [0, 0] }
            let second = try await openClients(4)
            #expect(fixture.proxy.connectionsPerLoop == [1, 3])
            #expect(try await fixture.proxy.tallyPerLoop().get().map(\.received) == [3, 9])
            for client in second { await client.close() }
            try await fixture.expectConserved()
        }
    }
}
