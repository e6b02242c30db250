import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RouterEngine
import RouterHTTP
import TestSupport
import Testing

/// Replica servers and a proxy in front of them, on loopback and ephemeral ports.
final class ProxyFixture: Sendable {
    let proxyGroup: MultiThreadedEventLoopGroup
    let replicaGroup: MultiThreadedEventLoopGroup
    let clientGroup: MultiThreadedEventLoopGroup
    let replicas: [ReplicaServer]
    let proxy: ProxyServer

    private init(proxyGroup: MultiThreadedEventLoopGroup, replicaGroup: MultiThreadedEventLoopGroup,
                 clientGroup: MultiThreadedEventLoopGroup, replicas: [ReplicaServer], proxy: ProxyServer) {
        self.proxyGroup = proxyGroup
        self.replicaGroup = replicaGroup
        self.clientGroup = clientGroup
        self.replicas = replicas
        self.proxy = proxy
    }

    /// Starts one replica server per configuration and a proxy routing to all of them, its client
    /// connections spread over `eventLoops` loops; its front door takes clients unless `openFrontDoor` is false.
    static func start(
        _ replicaConfigurations: [ReplicaServerConfiguration], eventLoops: Int = 1, openFrontDoor: Bool = true,
        configure: (inout ProxyConfiguration) -> Void = { _ in }
    ) async throws -> ProxyFixture {
        let replicaGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var servers: [ReplicaServer] = []
        for configuration in replicaConfigurations {
            servers.append(try await ReplicaServer.start(host: "127.0.0.1", port: 0, configuration: configuration,
                                                         eventLoop: replicaGroup.next()).get())
        }
        var configuration = ProxyConfiguration(listenHost: "127.0.0.1", listenPort: 0, seed: 7)
        configuration.replicas = zip(servers, replicaConfigurations).map { server, replica in
            ReplicaSpec(address: ReplicaAddress(host: "127.0.0.1", port: server.port),
                        maxOngoingRequests: replica.maxOngoing)
        }
        configure(&configuration)
        let proxyGroup = MultiThreadedEventLoopGroup(numberOfThreads: eventLoops)
        let proxy = try ProxyServer.start(
            configuration, group: proxyGroup,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        if openFrontDoor { proxy.openFrontDoor() }
        return ProxyFixture(proxyGroup: proxyGroup, replicaGroup: replicaGroup,
                            clientGroup: MultiThreadedEventLoopGroup(numberOfThreads: 2), replicas: servers,
                            proxy: proxy)
    }

    func send(
        _ method: HTTPMethod = .GET, path: String = "/", body: String? = nil, headers: [(String, String)] = []
    ) async throws -> TestOutcome {
        try await TestHTTPClient.send(method, port: proxy.port, path: path, body: body, headers: headers, on: clientGroup)
    }

    /// Sends `count` requests at once and returns what each client got.
    func sendConcurrently(_ count: Int, method: HTTPMethod = .GET) async throws -> [TestOutcome] {
        try await withThrowingTaskGroup(of: TestOutcome.self) { group in
            for index in 0..<count {
                group.addTask { try await self.send(method, path: "/item/\(index)") }
            }
            var outcomes: [TestOutcome] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
    }

    func replicaSnapshot(_ index: Int) async throws -> ReplicaSnapshot? {
        let id = ReplicaID("127.0.0.1:\(replicas[index].port)")
        return try await proxy.withRouter { $0.replica(id) }.get()
    }

    /// Waits until nothing is in flight, then checks that the router's totals match what clients saw.
    func expectConserved(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await poll("the router to finish every request") {
            let totals = try await proxy.totals().get()
            let tally = try await proxy.tally().get()
            return totals.pending + totals.running == 0 && tally.inFlight == 0
        }
        let totals = try await proxy.totals().get()
        let tally = try await proxy.tally().get()
        #expect(totals.isConserved, sourceLocation: sourceLocation)
        #expect(totals.admitted == tally.received, sourceLocation: sourceLocation)
        #expect(totals.completed == tally.answered, sourceLocation: sourceLocation)
        #expect(totals.failed[.shed, default: 0] == tally.shed, sourceLocation: sourceLocation)
        #expect(totals.failed[.routingTimeout, default: 0] == tally.routingTimeouts, sourceLocation: sourceLocation)
        #expect(totals.failed[.replicaError, default: 0] == tally.badGateway + tally.abortedMidResponse,
                sourceLocation: sourceLocation)
        #expect(totals.failed[.requestTimeout, default: 0] == tally.gatewayTimeouts, sourceLocation: sourceLocation)
        #expect(totals.failed[.cancelled, default: 0] == tally.clientGone + tally.malformedBody,
                sourceLocation: sourceLocation)
    }

    /// Runs a test's body, then shuts everything down, also when the body throws.
    func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            try await shutdown()
            throw error
        }
        try await shutdown()
    }

    func shutdown() async throws {
        try await proxy.shutdown(grace: .seconds(2)).get()
        for replica in replicas { try? await replica.stop().get() }
        try await clientGroup.shutdownGracefully()
        try await proxyGroup.shutdownGracefully()
        try await replicaGroup.shutdownGracefully()
    }
}
