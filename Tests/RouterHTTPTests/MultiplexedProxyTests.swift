import NIOCore
import RouterEngine
@testable import RouterHTTP
import Testing

/// Requests naming a model through the real proxy land on the replicas holding it.
@Suite(.serialized)
struct MultiplexedProxyTests {
    @Test func requestsWithTheModelHeaderLandOnItsHolder() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 4, serviceTime: .milliseconds(2), maxModels: 2, modelLoad: .milliseconds(50))
        // With two replicas every attempt's pair is both, and a zero cache TTL probes both each time:
        // the router learns what each holds at every attempt.
        let fixture = try await ProxyFixture.start([replica, replica]) { configuration in
            configuration.settings.cacheTimeout = 0
        }
        try await fixture.run {
            let header = [(MultiplexedModelHeader.name, "adapter-7")]
            #expect(try await fixture.send(path: "/first", headers: header).status == .ok)
            let holder = try #require(try await servedCounts(fixture).firstIndex(of: 1))
            // A request without a model probes both, so the holder's report reaches the router.
            #expect(try await fixture.send(path: "/plain").status == .ok)
            let before = try await servedCounts(fixture)
            for index in 0..<8 {
                #expect(try await fixture.send(path: "/again/\(index)", headers: header).status == .ok)
            }
            var expected = before
            expected[holder] += 8
            #expect(try await servedCounts(fixture) == expected)
            let snapshot = try #require(try await fixture.replicaSnapshot(holder))
            #expect(snapshot.routed == expected[holder])
            let models = try await fixture.proxy.withRouter { router in
                router.replicaModels(ReplicaID("127.0.0.1:\(fixture.replicas[holder].port)"))
            }.get()
            #expect(models == ["adapter-7"])
            try await fixture.expectConserved()
        }
    }

    @Test func theProbeAnswerListsTheModelsInJSON() {
        let body = Array(#"{"queue_length": 2, "max_ongoing_requests": 4, "multiplexed_model_ids": ["a", "b\"c", "d\u0001"]}"#.utf8)
        #expect(QueueLengthReply.answer(in: body) == .queueLength(2, maxOngoingRequests: 4, models: ["a", "b\"c", "d\u{01}"]))
        let none = Array(#"{"queue_length": 0}"#.utf8)
        #expect(QueueLengthReply.answer(in: none) == .queueLength(0, maxOngoingRequests: nil, models: nil))
        let broken = Array(#"{"queue_length": 1, "multiplexed_model_ids": ["a", 3]}"#.utf8)
        #expect(QueueLengthReply.answer(in: broken) == .queueLength(1, maxOngoingRequests: nil, models: nil))
    }

    private func servedCounts(_ fixture: ProxyFixture) async throws -> [Int] {
        var counts: [Int] = []
        for replica in fixture.replicas { counts.append(try await replica.served().get()) }
        return counts
    }
}
