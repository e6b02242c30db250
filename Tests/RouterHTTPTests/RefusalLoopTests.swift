import NIOCore
import RouterEngine
import RouterHTTP
import Testing

/// A replica whose own limit is below the router's configured one: refusals must not become a loop.
@Suite(.serialized)
struct RefusalLoopTests {
    @Test func aReplicaBelowTheConfiguredMaximumTakesAtMostThreeForwardsPerClientRequest() async throws {
        // The replica takes 2 at once for 200 ms each; the router is told 5 (the default).
        let replica = ReplicaServerConfiguration(maxOngoing: 2, serviceTime: .milliseconds(200))
        let fixture = try await ProxyFixture.start([replica]) { configuration in
            configuration.replicas[0].maxOngoingRequests = 5
        }
        try await fixture.run {
            let outcomes = try await fixture.sendConcurrently(20)
            #expect(outcomes.count == 20)
            #expect(outcomes.allSatisfy { $0.status == .ok })
            let served = try await fixture.replicas[0].served().get()
            let refused = try await fixture.replicas[0].rejected().get()
            #expect(served == 20)
            // Every forward ends served or refused: at most 3 per client request.
            #expect(served + refused <= 60, "forwards: \(served + refused) (\(refused) refused)")
            let snapshot = try #require(try await fixture.replicaSnapshot(0))
            #expect(snapshot.maxOngoingRequests == 2)
            let warnings = try await fixture.proxy.withRouter { router in
                router.snapshot(mode: .simulated).events.filter { $0.kind == .warning }.map(\.message)
            }.get()
            #expect(warnings.filter { $0.contains("reports max_ongoing_requests 2, configured 5; using 2") }.count == 1)
            try await fixture.expectConserved()
        }
    }
}
