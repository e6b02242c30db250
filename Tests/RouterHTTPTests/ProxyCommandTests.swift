import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import RouterEngine
import RouterHTTP
import TestSupport
import Testing

@Suite("proxy mode: operator commands, pipelining, request ids", .serialized)
struct ProxyCommandTests {
    private func perform(_ command: RouterCommand, on fixture: ProxyFixture) async -> CommandResult {
        await withCheckedContinuation { continuation in
            fixture.proxy.live.perform(command, by: CommandOrigin(user: "test")) { continuation.resume(returning: $0) }
        }
    }

    @Test("load and fault commands are refused with a reason; replicas are added, drained and removed by URL")
    func commands() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(2))
        let fixture = try await ProxyFixture.start([replica])
        let extra = try await ReplicaServer.start(host: "127.0.0.1", port: 0, configuration: replica,
                                                  eventLoop: fixture.replicaGroup.next()).get()
        let journal = CollectingJournal()
        try await fixture.proxy.withRouter { $0.journal = journal }.get()
        do {
            guard case .refused(let why) = await perform(.setLoad(requestsPerSecond: 10), on: fixture) else {
                Issue.record("setLoad was not refused")
                return
            }
            #expect(why.contains("real traffic"))
            let first = ReplicaID("127.0.0.1:\(fixture.replicas[0].port)")
            guard case .refused = await perform(.injectFault(first, .kill), on: fixture) else {
                Issue.record("injectFault was not refused")
                return
            }
            guard case .refused(let bad) = await perform(.addReplica(address: "htp://nowhere"), on: fixture) else {
                Issue.record("a bad URL was accepted")
                return
            }
            #expect(bad.contains("htp://nowhere"))

            guard case .done = await perform(.addReplica(address: "http://127.0.0.1:\(extra.port)"), on: fixture) else {
                Issue.record("adding a replica failed")
                return
            }
            guard case .refused = await perform(.addReplica(address: "http://127.0.0.1:\(extra.port)"), on: fixture)
            else {
                Issue.record("a duplicate replica was accepted")
                return
            }
            guard case .done = await perform(.drainReplica(first), on: fixture) else {
                Issue.record("draining failed")
                return
            }
            let outcomes = try await fixture.sendConcurrently(20)
            #expect(outcomes.allSatisfy { $0.status == .ok })
            #expect(try await extra.served().get() == 20, "the drained replica takes no new work")
            guard case .done = await perform(.removeReplica(first), on: fixture) else {
                Issue.record("removing failed")
                return
            }
            try await poll("the removed replica to be forgotten") { try await fixture.replicaSnapshot(0) == nil }
            try await fixture.expectConserved()
            // Every replica change was journaled, the duplicate addition as refused with its reason.
            let added = "127.0.0.1:\(extra.port)"
            #expect(journal.lines == [
                "add \(added) applied", "add \(added) applied", "add \(added) refused",
                "drain \(first) applied", "remove \(first) applied",
            ])
        } catch {
            try? await extra.stop().get()
            try await fixture.shutdown()
            throw error
        }
        try? await extra.stop().get()
        try await fixture.shutdown()
    }

    @Test("a replica added by host name is looked up off the event loop and added when the lookup answers")
    func addByHostName() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(2))
        let fixture = try await ProxyFixture.start([replica, replica])
        try await fixture.run {
            let port = fixture.replicas[1].port
            try await fixture.proxy.withRouter { try? $0.removeReplica(ReplicaID("127.0.0.1:\(port)")) }.get()
            guard case .done(let said) = await perform(.addReplica(address: "http://localhost:\(port)"), on: fixture) else {
                Issue.record("adding by host name was refused")
                return
            }
            #expect(said.contains("looking up localhost"))
            try await poll("the replica added once the lookup answered") {
                try await fixture.proxy.withRouter { $0.replica(ReplicaID("localhost:\(port)")) != nil }.get()
            }
            try await fixture.expectConserved()
        }
    }

    @Test("pipelined requests on one connection are answered in order")
    func pipelining() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(2))
        let fixture = try await ProxyFixture.start([replica, replica])
        try await fixture.run {
            let raw = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let text = try await RawExchange.send(raw, port: fixture.proxy.port, on: fixture.clientGroup)
            let a = try #require(text.range(of: "ok /a"))
            let b = try #require(text.range(of: "ok /b"))
            let c = try #require(text.range(of: "ok /c"))
            #expect(a.lowerBound < b.lowerBound && b.lowerBound < c.lowerBound)
            try await fixture.expectConserved()
        }
    }

    @Test("an X-Request-Id is added when absent and kept when present; hop-by-hop headers stop at the router")
    func requestIDs() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(2))
        let fixture = try await ProxyFixture.start([replica])
        try await fixture.run {
            let added = try #require(try await fixture.send().response)
            let id = try #require(added.headers.first(name: "x-request-id"))
            #expect(!id.isEmpty)
            #expect(!id.hasSuffix("-0"), "the id of the request, not a placeholder")
            let second = try #require(try await fixture.send().response)
            #expect(second.headers.first(name: "x-request-id").map { $0 != id } == true, "one id per request")
            let kept = try #require(try await TestHTTPClient.send(
                port: fixture.proxy.port, headers: [("x-request-id", "client-42")], on: fixture.clientGroup).response)
            #expect(kept.headers.first(name: "x-request-id") == "client-42")
            #expect(kept.headers.first(name: "connection") == "close")
            try await fixture.expectConserved()
        }
    }

    @Test("a request that does not parse gets 400 and a closed connection")
    func malformedRequest() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(1))
        let fixture = try await ProxyFixture.start([replica])
        try await fixture.run {
            let text = try await RawExchange.send("GET / HTTP/1.1\r\nHost x\r\n\r\n", port: fixture.proxy.port,
                                                  on: fixture.clientGroup)
            #expect(text.hasPrefix("HTTP/1.1 400 Bad Request"))
            #expect(try await fixture.proxy.totals().get().admitted == 0)
        }
    }

    @Test("a large answer streams through whole")
    func largeAnswer() async throws {
        let replica = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(1))
        let fixture = try await ProxyFixture.start([replica])
        try await fixture.run {
            let response = try #require(try await fixture.send(path: "/blob?bytes=8000000").response)
            let size = response.body.utf8.count
            #expect(response.complete)
            #expect(size == 8_000_000)
            try await fixture.expectConserved()
        }
    }

    @Test("replica fault switches over HTTP")
    func faultEndpoint() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ReplicaServer.start(host: "127.0.0.1", port: 0,
                                                   configuration: ReplicaServerConfiguration(),
                                                   eventLoop: group.next()).get()
        do {
            let port = server.port
            #expect(try await TestHTTPClient.send(port: port, path: "/-/queue-length", on: group).response?.body
                    == "{\"queue_length\": 0, \"max_ongoing_requests\": 5}")
            #expect(try await TestHTTPClient.send(.POST, port: port, path: "/-/fault/unavailable", on: group).status
                    == .ok)
            #expect(try await TestHTTPClient.send(port: port, path: "/-/queue-length", on: group).status
                    == .serviceUnavailable)
            #expect(try await TestHTTPClient.send(.POST, port: port, path: "/-/fault/slow-probe", on: group).status
                    == .badRequest)
            #expect(try await TestHTTPClient.send(.GET, port: port, path: "/-/fault/crash", on: group).status
                    == .methodNotAllowed)
            #expect(try await TestHTTPClient.send(.POST, port: port, path: "/-/fault/melt", on: group).status
                    == .notFound)
            #expect(try await TestHTTPClient.send(.POST, port: port, path: "/-/fault/recover", on: group).status
                    == .ok)
            #expect(try await TestHTTPClient.send(port: port, path: "/-/queue-length", on: group).status == .ok)
            #expect(try await TestHTTPClient.send(.POST, port: port, path: "/-/fault/crash", on: group).status == .ok)
            try await server.closeFuture.get()
        } catch {
            try? await server.stop().get()
            try await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }
}

/// Sends raw bytes on one connection and returns everything received until the server closes it.
enum RawExchange {
    static func send(_ text: String, port: Int, on group: any EventLoopGroup) async throws -> String {
        let promise = group.next().makePromise(of: String.self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RawCollector(promise: promise))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        try await channel.writeAndFlush(ByteBuffer(string: text))
        return try await promise.futureResult.get()
    }
}

private final class RawCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let promise: EventLoopPromise<String>
    private var text = ""

    init(promise: EventLoopPromise<String>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        text += String(buffer: unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(text)
    }
}

/// A journal that keeps what it was given, as "verb target result" lines; written on the event loop.
private final class CollectingJournal: ChangeJournal, @unchecked Sendable {
    private let entries = NIOLockedValueBox<[JournalEntry]>([])

    func append(_ entry: JournalEntry) -> Result<JournalEntry, JournalWriteError> {
        entries.withLockedValue { $0.append(entry) }
        return .success(entry)
    }

    var lines: [String] {
        entries.withLockedValue { $0.map { "\($0.change.verb) \($0.change.target ?? "") \($0.result.rawValue)" } }
    }
}
