import NIOCore
import NIOHTTP1
import RouterEngine
@testable import RouterHTTP
import TestSupport
import Testing

@Suite("proxy end to end on loopback", .serialized)
struct ProxyServerTests {
    @Test("500 concurrent requests over three replicas are all answered 200 and spread")
    func fiveHundredConcurrent() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 10, serviceTime: .milliseconds(5))
        let fixture = try await ProxyFixture.start([replica, replica, replica])
        try await fixture.run {
            let outcomes = try await fixture.sendConcurrently(500)
            #expect(outcomes.count == 500)
            #expect(outcomes.allSatisfy { $0.status == .ok })
            var served: [Int] = []
            for server in fixture.replicas { served.append(try await server.served().get()) }
            #expect(served.reduce(0, +) == 500)
            // Power of two choices keeps the load close to even; each gets well over a fifth.
            #expect(served.allSatisfy { $0 >= 100 }, "served \(served)")
            try await fixture.expectConserved()
            let totals = try await fixture.proxy.totals().get()
            let tally = try await fixture.proxy.tally().get()
            #expect(totals.completed == 500, "\(totals) \(tally)")
        }
    }

    @Test("a replica with a full queue gets nothing until it has room")
    func fullReplicaGetsNothing() async throws {
        // Every choice probes (no cache), so the router sees the full replica as full.
        // Slow enough that it is still full when the 30 routed requests have ended.
        let slow = ReplicaServerConfiguration(maxOngoing: 2, serviceTime: .milliseconds(1500))
        let fast = ReplicaServerConfiguration(maxOngoing: 10, serviceTime: .milliseconds(5))
        let fixture = try await ProxyFixture.start([slow, fast]) { configuration in
            configuration.settings.cacheTimeout = 0
        }
        try await fixture.run {
            // Fill the slow replica directly, behind the router's back.
            let port = fixture.replicas[0].port
            let group = fixture.clientGroup
            async let direct1 = TestHTTPClient.send(port: port, path: "/direct/1", on: group)
            async let direct2 = TestHTTPClient.send(port: port, path: "/direct/2", on: group)
            try await poll("the slow replica to be full") { try await fixture.replicas[0].ongoing().get() == 2 }
            let outcomes = try await fixture.sendConcurrently(30)
            // The precondition of what follows: the slow replica stayed full the whole time.
            let stillFull = try await fixture.replicas[0].ongoing().get() == 2
            try #require(stillFull, "the slow replica emptied before the routed requests ended")
            #expect(outcomes.allSatisfy { $0.status == .ok })
            #expect(try await fixture.replicaSnapshot(0)?.routed == 0)
            #expect(try await fixture.replicas[0].served().get() == 0)
            _ = try await (direct1, direct2)
            // With room again, it takes work.
            try await poll("the slow replica to take routed work") {
                _ = try await fixture.sendConcurrently(10)
                return (try await fixture.replicaSnapshot(0)?.routed ?? 0) > 0
            }
            try await fixture.expectConserved()
        }
    }

    @Test("a replica killed mid-run costs no client a failed GET")
    func killedReplica() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(30))
        let fixture = try await ProxyFixture.start([replica, replica, replica])
        try await fixture.run {
            let outcomes = try await withThrowingTaskGroup(of: TestOutcome.self) { group in
                for index in 0..<300 {
                    group.addTask { try await fixture.send(path: "/kill/\(index)") }
                }
                var outcomes: [TestOutcome] = []
                var crashed = false
                for try await outcome in group {
                    outcomes.append(outcome)
                    if !crashed, outcomes.count >= 30 {
                        crashed = true
                        // Requests are running on it now, so some die with it.
                        try await fixture.replicas[1].crash().get()
                    }
                }
                return outcomes
            }
            let failed = outcomes.filter { $0.status != .ok }
            #expect(failed.isEmpty, "\(failed.count) of \(outcomes.count) failed")
            try await fixture.expectConserved()
            let totals = try await fixture.proxy.totals().get()
            #expect(totals.completed == 300)
            // It is kept (static replicas are never removed) but no longer trusted.
            let snapshot = try await fixture.replicaSnapshot(1)
            #expect(snapshot != nil)
        }
    }

    @Test("a POST whose replica dies while working on it gets 502 at once; a GET after its re-routes")
    func postOnDyingReplica() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(10))
        let fixture = try await ProxyFixture.start([replica, replica]) { configuration in
            // Keep both in play: no cache, so a refusal or failure does not steer the test.
            configuration.settings.cacheTimeout = 0
        }
        try await fixture.run {
            for server in fixture.replicas { try await server.setFaults(ReplicaServerFaults(drop: true)).get() }
            let post = try await fixture.send(.POST, path: "/orders", body: "{\"item\": 1}")
            #expect(post.status == .badGateway)
            // The POST was not sent again: the replica may have acted on it.
            #expect(try await fixture.proxy.withRouter { $0.retryTotals.reroutes }.get() == 0)
            // A GET is routed again after the same failure, up to the re-route limit, then 502.
            let get = try await fixture.send(.GET, path: "/orders/1")
            #expect(get.status == .badGateway)
            let totals = try await fixture.proxy.totals().get()
            #expect(totals.failed[.replicaError] == 2)
            #expect(try await fixture.proxy.withRouter { $0.retryTotals.reroutes }.get() == 3)
            try await fixture.expectConserved()
        }
    }

    @Test("a PUT with a body too large to keep is not routed again after its replica failed")
    func largeBodyIsNotResent() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(5))
        let fixture = try await ProxyFixture.start([replica, replica]) { configuration in
            configuration.settings.cacheTimeout = 0
        }
        try await fixture.run {
            let large = String(repeating: "x", count: ProxyExchange.keptBodyLimit + 1)
            #expect(try await fixture.send(.PUT, path: "/blob/1", body: large).status == .ok)
            for server in fixture.replicas { try await server.setFaults(ReplicaServerFaults(drop: true)).get() }
            #expect(try await fixture.send(.PUT, path: "/blob/2", body: large).status == .badGateway)
            #expect(try await fixture.proxy.withRouter { $0.retryTotals.reroutes }.get() == 0)
            // A body that fits is kept, so the same PUT is routed again until the re-routes run out.
            #expect(try await fixture.send(.PUT, path: "/blob/3", body: "small").status == .badGateway)
            #expect(try await fixture.proxy.withRouter { $0.retryTotals.reroutes }.get() == 3)
            try await fixture.expectConserved()
        }
    }

    @Test("a GET whose replica dies while working on it is routed again")
    func getRerouted() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(5))
        let fixture = try await ProxyFixture.start([replica, replica]) { configuration in
            configuration.settings.cacheTimeout = 0
            // Enough re-routes that a run of bad draws cannot exhaust them.
            configuration.options.maxReroutes = 30
        }
        try await fixture.run {
            try await fixture.replicas[0].setFaults(ReplicaServerFaults(drop: true)).get()
            for index in 0..<20 {
                #expect(try await fixture.send(.GET, path: "/orders/\(index)").status == .ok)
            }
            #expect(try await fixture.proxy.withRouter { $0.retryTotals.reroutes }.get() > 0)
            #expect(try await fixture.replicas[1].served().get() == 20)
            try await fixture.expectConserved()
        }
    }

    @Test("a replica that fails after its answer started: the client's connection is cut")
    func truncatedAnswer() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(5))
        let fixture = try await ProxyFixture.start([replica])
        try await fixture.run {
            try await fixture.replicas[0].setFaults(ReplicaServerFaults(truncate: true)).get()
            let outcome = try await fixture.send(.GET, path: "/big")
            #expect(outcome.response?.complete == false)
            try await fixture.expectConserved()
            #expect(try await fixture.proxy.tally().get().abortedMidResponse == 1)
        }
    }

    @Test("a full pending queue answers 503 with Retry-After")
    func queueFull() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 1, serviceTime: .milliseconds(300))
        let fixture = try await ProxyFixture.start([replica]) { configuration in
            configuration.options.maxPendingRequests = 3
        }
        try await fixture.run {
            let outcomes = try await fixture.sendConcurrently(20)
            let shed = outcomes.compactMap(\.response).filter { $0.status == .serviceUnavailable }
            #expect(!shed.isEmpty)
            #expect(shed.allSatisfy { $0.headers.first(name: "retry-after") == "1" })
            #expect(outcomes.filter { $0.status == .ok }.count >= 4)
            try await fixture.expectConserved()
            #expect(try await fixture.proxy.totals().get().failed[.shed] == shed.count)
        }
    }

    @Test("no replica found within the routing timeout answers 503")
    func routingTimeout() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 1, serviceTime: .seconds(1))
        let fixture = try await ProxyFixture.start([replica]) { configuration in
            configuration.options.routingTimeout = .milliseconds(300)
        }
        try await fixture.run {
            async let first = fixture.send(path: "/first")
            try await poll("the only replica to be full") { try await fixture.replicas[0].ongoing().get() == 1 }
            let second = try await fixture.send(path: "/second")
            #expect(second.status == .serviceUnavailable)
            #expect(try await first.status == .ok)
            try await fixture.expectConserved()
            #expect(try await fixture.proxy.totals().get().failed[.routingTimeout] == 1)
        }
    }

    @Test("a request over the request timeout answers 504")
    func requestTimeout() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .seconds(2))
        let fixture = try await ProxyFixture.start([replica]) { configuration in
            configuration.requestTimeout = .milliseconds(200)
        }
        try await fixture.run {
            #expect(try await fixture.send().status == .gatewayTimeout)
            try await fixture.expectConserved()
        }
    }

    @Test("a client that leaves cancels its request")
    func clientGone() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .seconds(1))
        let fixture = try await ProxyFixture.start([replica])
        try await fixture.run {
            try await TestHTTPClient.sendAndLeave(port: fixture.proxy.port, on: fixture.clientGroup)
            try await poll("the request to be cancelled") {
                try await fixture.proxy.totals().get().failed[.cancelled] == 1
            }
            try await fixture.expectConserved()
        }
    }

    @Test("a replica without the probe endpoint is counted locally")
    func countedLocally() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(5),
                                                 answersQueueLength: false)
        let fixture = try await ProxyFixture.start([replica, replica])
        try await fixture.run {
            let outcomes = try await fixture.sendConcurrently(50)
            #expect(outcomes.allSatisfy { $0.status == .ok })
            for index in 0..<2 {
                let snapshot = try #require(try await fixture.replicaSnapshot(index))
                #expect(snapshot.queueSource == .local)
                #expect(snapshot.routed > 0)
            }
            for server in fixture.replicas { #expect(try await server.probesAnswered().get() == 0) }
            try await fixture.expectConserved()
        }
    }
}
