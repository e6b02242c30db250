import NIOCore
import NIOHTTP1
import NIOPosix
import RouterEngine
@testable import RouterHTTP
import Foundation
import Synchronization
import TestSupport
import Testing

/// Counts the responses in raw HTTP text by their status lines.
private func statusLines(_ text: String) -> [String] {
    // The replica's bodies end in a bare newline, so lines are split on it.
    lines(text).filter { $0.hasPrefix("HTTP/1.") }
}

/// Lines split on CRLF or a bare LF (a Swift `Character` holds CRLF whole, so it is replaced first).
private func lines(_ text: String) -> [String] {
    text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
}

/// Runs `body` against a proxy whose one replica gives every request the same answer, written as
/// raw bytes (after `afterBytes` of it, when above 0: see `CannedReplica.start`); both are stopped
/// after it, also when it throws.
private func withCannedReplica(answer: String, afterBytes: Int = 0,
                               _ body: (CannedReplica, ProxyFixture) async throws -> Void) async throws {
    let canned = try await CannedReplica.start(answer: answer, afterBytes: afterBytes,
                                               on: MultiThreadedEventLoopGroup.singleton)
    let fixture = try await ProxyFixture.start([]) { configuration in
        configuration.replicas = [ReplicaSpec(address: ReplicaAddress(host: "127.0.0.1", port: canned.port))]
    }
    do {
        try await fixture.run { try await body(canned, fixture) }
    } catch {
        await canned.stop()
        throw error
    }
    await canned.stop()
}

@Suite("front door: malformed, pipelined and slow clients on loopback", .serialized)
struct FrontDoorHardeningTests {
    private let fast = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(1))

    @Test("a valid request followed by garbage in one packet gets its answer, then 400")
    func garbageAfterValidRequest() async throws {
        let fixture = try await ProxyFixture.start([fast])
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("GET /first HTTP/1.1\r\nhost: a\r\n\r\nNOT HTTP AT ALL\r\n\r\n")
            try await poll("the connection to close") { try await client.isClosed }
            let lines = statusLines(try await client.received())
            #expect(lines.count == 2, "\(lines)")
            #expect(lines.first?.hasPrefix("HTTP/1.1 200") == true, "\(lines)")
            #expect(lines.last?.hasPrefix("HTTP/1.1 400") == true, "\(lines)")
            try await fixture.expectConserved()
            let totals = try await fixture.proxy.totals().get()
            #expect(totals.completed == 1)
            #expect(totals.failed[.cancelled, default: 0] == 0)
            #expect(try await fixture.proxy.figures().get().malformedRequests == 1)
        }
    }

    @Test("a request after Connection: close is not read; the one before it is answered")
    func requestAfterClose() async throws {
        let fixture = try await ProxyFixture.start([fast])
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("GET /a HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\nGET /b HTTP/1.1\r\nhost: a\r\n\r\n")
            try await poll("the connection to close") { try await client.isClosed }
            let lines = statusLines(try await client.received())
            #expect(lines.count == 1, "\(lines)")
            #expect(lines.first?.hasPrefix("HTTP/1.1 200") == true, "\(lines)")
            try await fixture.expectConserved()
            #expect(try await fixture.proxy.totals().get().failed[.cancelled, default: 0] == 0)
            #expect(try await fixture.replicas[0].served().get() == 1)
        }
    }

    @Test("600 pipelined requests in one write are all answered, in order")
    func manyPipelined() async throws {
        let fixture = try await ProxyFixture.start([fast])
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            let count = 600
            var batch = ""
            for index in 0..<count { batch += "GET /p/\(index) HTTP/1.1\r\nhost: a\r\n\r\n" }
            try await client.send(batch)
            try await poll("every answer", timeout: .seconds(30)) {
                statusLines(try await client.received()).count == count
            }
            let text = try await client.received()
            #expect(statusLines(text).allSatisfy { $0.hasPrefix("HTTP/1.1 200") })
            // The replica echoes the path: answers come back in request order.
            let paths = lines(text).filter { $0.hasPrefix("ok /p/") }
            #expect(paths == (0..<count).map { "ok /p/\($0)" })
            #expect(try await !client.isClosed)
            await client.close()
            try await fixture.expectConserved()
        }
    }

    @Test("a chunked answer to an HTTP/1.0 keep-alive client closes the connection after it")
    func unframedAnswerToHTTP10() async throws {
        try await withCannedReplica(answer:
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") { canned, fixture in
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n")
            try await poll("the connection to close") { try await client.isClosed }
            let text = try await client.received().lowercased()
            #expect(text.hasPrefix("http/1.0 200"))
            #expect(text.contains("connection: close"))
            #expect(!text.contains("transfer-encoding"))
            #expect(text.hasSuffix("\r\n\r\nhello"))
            try await fixture.expectConserved()
        }
    }

    @Test("a HEAD the router refuses gets the length of the body it would have, and no body")
    func refusedHeadHasNoBody() async throws {
        let fixture = try await ProxyFixture.start([]) { configuration in
            configuration.options.routingTimeout = .milliseconds(100)
        }
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("HEAD /a HTTP/1.1\r\nhost: a\r\n\r\nGET /b HTTP/1.1\r\nhost: a\r\n\r\n")
            try await poll("both answers") { statusLines(try await client.received()).count == 2 }
            let text = try await client.received()
            let answers = text.components(separatedBy: "HTTP/1.1 503 Service Unavailable\r\n")
            #expect(answers.count == 3, "\(text)")
            let head = answers[1], get = answers[2]
            // The HEAD's answer ends with its head: the GET's answer follows at once.
            #expect(head.hasSuffix("\r\n\r\n"), "\(head)")
            let body = try #require(get.components(separatedBy: "\r\n\r\n").last)
            #expect(body.hasPrefix("503 Service Unavailable: "), "\(get)")
            #expect(head.contains("content-length: \(body.utf8.count)\r\n"), "\(text)")
            #expect(try await !client.isClosed)
            await client.close()
            try await fixture.expectConserved()
        }
    }

    @Test("a replica's answers to HEAD have a length and no body: each ends at its head")
    func headAnswersFromReplica() async throws {
        try await withCannedReplica(answer: "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n") { canned, fixture in
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("HEAD /a HTTP/1.1\r\nhost: a\r\n\r\nHEAD /b HTTP/1.1\r\nhost: a\r\n\r\n")
            try await poll("both answers") { statusLines(try await client.received()).count == 2 }
            let answers = try await client.received().components(separatedBy: "HTTP/1.1 200 OK\r\n")
            #expect(answers.count == 3)
            for answer in answers.dropFirst() {
                #expect(answer.contains("content-length: 5\r\n") && answer.hasSuffix("\r\n\r\n"), "\(answer)")
            }
            #expect(canned.received.components(separatedBy: "HEAD /").count == 3, "\(canned.received)")
            #expect(try await !client.isClosed)
            await client.close()
            try await fixture.expectConserved()
        }
    }

    @Test("trailers pass from the replica to an HTTP/1.1 client")
    func trailersToClient() async throws {
        let answer = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nx-checksum: 42\r\n\r\n"
        try await withCannedReplica(answer: answer) { _, fixture in
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("GET / HTTP/1.1\r\nhost: a\r\n\r\n")
            try await poll("the trailer") { try await client.received().lowercased().contains("x-checksum: 42\r\n\r\n") }
            await client.close()
            try await fixture.expectConserved()
        }
    }

    @Test("a bad chunk mid-answer cuts the client's connection and is counted as aborted")
    func badChunkMidAnswer() async throws {
        try await withCannedReplica(answer:
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\nZZ\r\nbad\r\n") { canned, fixture in
            let outcome = try await fixture.send(path: "/")
            #expect(outcome.response?.complete == false)
            try await fixture.expectConserved()
            #expect(try await fixture.proxy.tally().get().abortedMidResponse == 1)
            // The rule the replica broke is what the event log and the replica's row say.
            try await poll("the replica's last error") {
                fixture.proxy.live.latestSnapshot().replicas.first?.lastError == "bad answer: malformed chunk"
            }
            #expect(fixture.proxy.live.latestSnapshot().events.contains {
                $0.message == "127.0.0.1:\(canned.port): 1 upstream error, last: bad answer: malformed chunk"
            })
        }
    }

    @Test("an answer's head goes to the client at once, before a body that has not come yet")
    func headBeforeItsBody() async throws {
        // The replica sends the head of a 4-byte body, then nothing: a head held back to go out
        // together with its body (as the front door does when both come in one read) would never
        // reach the client.
        try await withCannedReplica(answer: "HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n") { _, fixture in
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("GET /slow HTTP/1.1\r\nhost: a\r\n\r\n")
            try await poll("the answer's head at the client") {
                try await client.received().hasSuffix("\r\n\r\n")
            }
            #expect(try await client.received().hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(try await client.received().lowercased().contains("content-length: 4\r\n"))
            await client.close()
        }
    }

    @Test("an answer with both Content-Length and Transfer-Encoding is refused, and the event log names the rule")
    func conflictingFramingNamed() async throws {
        try await withCannedReplica(answer:
            "HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n") { canned, fixture in
            let outcome = try await fixture.send(path: "/")
            // A GET goes to the replica again, until its re-routes are used up.
            #expect(outcome.status == .badGateway)
            try await fixture.expectConserved()
            try await poll("the replica's last error") {
                fixture.proxy.live.latestSnapshot().replicas.first?.lastError
                    == "bad answer: both Content-Length and Transfer-Encoding"
            }
        }
    }

    @Test("a refusal that comes while a body too large to keep streams is passed on: the request cannot go elsewhere")
    func refusalOfAnUnkeptBody() async throws {
        let refusal = "HTTP/1.1 503 Service Unavailable\r\n\(ReplicaHeaders.rejected): true\r\n"
            + "\(ReplicaHeaders.queueLength): 9\r\ncontent-length: 4\r\n\r\nfull"
        // The replica refuses once more than the router may keep of the body has reached it.
        try await withCannedReplica(answer: refusal, afterBytes: ProxyExchange.keptBodyLimit + 64 * 1024) { _, fixture in
            let large = String(repeating: "x", count: 2 * ProxyExchange.keptBodyLimit)
            let outcome = try await fixture.send(.PUT, path: "/blob", body: large)
            #expect(outcome.status == .serviceUnavailable)
            #expect(outcome.response?.body == "full")
            // Sent once and answered: not taken as a refusal, not routed again, no replica blamed.
            try await poll("the send to be counted") {
                fixture.proxy.live.latestSnapshot().replicas.first?.completed == 1
            }
            let replica = try #require(fixture.proxy.live.latestSnapshot().replicas.first)
            #expect(replica.routed == 1)
            #expect(replica.rejected == 0)
            #expect(replica.errors == 0)
            #expect(replica.lastError == nil)
            try await fixture.expectConserved()
        }
    }

    @Test("a bad chunk mid-request gets 400 and the request is called off")
    func badChunkMidRequest() async throws {
        let slow = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .seconds(2))
        let fixture = try await ProxyFixture.start([slow])
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("POST /x HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\nQQ\r\n")
            try await poll("the connection to close") { try await client.isClosed }
            let lines = statusLines(try await client.received())
            #expect(lines == ["HTTP/1.1 400 Bad Request"], "\(lines)")
            try await fixture.expectConserved()
            #expect(try await fixture.proxy.tally().get().malformedBody == 1)
        }
    }

    @Test("a client that sends half a head is answered 408 and closed after the header timeout")
    func headerTimeout() async throws {
        let fixture = try await ProxyFixture.start([fast]) { configuration in
            configuration.headerTimeout = .milliseconds(200)
        }
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("GET / HTTP/1.1\r\nhost: a\r\n")
            try await poll("the connection to close") { try await client.isClosed }
            #expect(statusLines(try await client.received()) == ["HTTP/1.1 408 Request Timeout"])
            #expect(try await fixture.proxy.figures().get().headerTimeouts == 1)
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleTimeout() async throws {
        let fixture = try await ProxyFixture.start([fast]) { configuration in
            configuration.idleTimeout = .milliseconds(200)
        }
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("GET / HTTP/1.1\r\nhost: a\r\n\r\n")
            try await poll("the connection to close") { try await client.isClosed }
            #expect(statusLines(try await client.received()).count == 1)
            let figures = try await fixture.proxy.figures().get()
            #expect(figures.idleTimeouts == 1)
            #expect(figures.headerTimeouts == 0)
        }
    }

    @Test("over the connection limit a new connection is closed at once and counted; the others work")
    func connectionLimit() async throws {
        let fixture = try await ProxyFixture.start([fast]) { configuration in
            configuration.maxConnections = 2
        }
        try await fixture.run {
            let first = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            let second = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await poll("two connections open") { try await fixture.proxy.figures().get().connections == 2 }
            let third = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await poll("the third connection to be closed") { try await third.isClosed }
            #expect(try await third.received().isEmpty)
            #expect(try await fixture.proxy.figures().get().refusedConnections == 1)
            // The dashboard's snapshot carries the same figures.
            try await poll("the refusal in the published snapshot") {
                fixture.proxy.live.latestSnapshot().proxy?.refusedConnections == 1
            }
            #expect(fixture.proxy.live.latestSnapshot().proxy?.maxConnections == 2)
            try await first.send("GET / HTTP/1.1\r\nhost: a\r\n\r\n")
            try await poll("an answer on an admitted connection") {
                statusLines(try await first.received()).first?.hasPrefix("HTTP/1.1 200") == true
            }
            await first.close()
            await second.close()
        }
    }

    @Test("Expect: 100-continue gets 100 Continue once a replica takes the request, then the answer")
    func expectContinue() async throws {
        let fixture = try await ProxyFixture.start([fast])
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("POST /c HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\nexpect: 100-continue\r\n\r\n")
            try await poll("100 Continue") { try await client.received().hasPrefix("HTTP/1.1 100 Continue\r\n") }
            try await client.send("hello")
            try await poll("the final answer") { statusLines(try await client.received()).count == 2 }
            #expect(statusLines(try await client.received()).last?.hasPrefix("HTTP/1.1 200") == true)
            await client.close()
            try await fixture.expectConserved()
        }
    }

    @Test("a request whose body the budget cannot hold gets 503 at once, without 100 Continue")
    func bodyBudgetRefusal() async throws {
        let fixture = try await ProxyFixture.start([fast]) { configuration in
            configuration.bodyBudgetBytes = 1000
        }
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("POST /c HTTP/1.1\r\nhost: a\r\ncontent-length: 5000\r\nexpect: 100-continue\r\n\r\n")
            try await poll("the connection to close") { try await client.isClosed }
            let text = try await client.received()
            #expect(statusLines(text) == ["HTTP/1.1 503 Service Unavailable"])
            #expect(text.contains("at their limit"))
            #expect(try await fixture.proxy.figures().get().bodyBudgetRefusals == 1)
            #expect(try await fixture.proxy.figures().get().malformedRequests == 0,
                    "the body the router refused and closed on before it came is not a bad request")
            // A body that fits goes through.
            #expect(try await fixture.send(.POST, path: "/small", body: "tiny").status == .ok)
            try await fixture.expectConserved()
            #expect(try await fixture.proxy.figures().get().bodyBytesReserved == 0)
        }
    }

    @Test("a client that leaves in the middle of its request head is not counted as a bad request")
    func clientLeavingMidHead() async throws {
        let fixture = try await ProxyFixture.start([fast])
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("GET /half HTTP/1.1\r\nhost: a\r\nx-unfinished: ")
            await client.close()
            try await poll("the router to see the connection end") {
                try await fixture.proxy.figures().get().connections == 0
            }
            // A garbled head is still counted, so the count above is not simply never kept.
            let garbled = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await garbled.send("NOT HTTP AT ALL\r\n\r\n")
            try await poll("the garbled connection to close") { try await garbled.isClosed }
            let malformed = try await fixture.proxy.figures().get().malformedRequests
            #expect(malformed == 1)
            #expect(try await fixture.proxy.totals().get().admitted == 0)
        }
    }

    @Test("CONNECT is answered 405 and never reaches a replica")
    func connectRefused() async throws {
        let fixture = try await ProxyFixture.start([fast])
        try await fixture.run {
            let outcome = try await fixture.send(.CONNECT, path: "example.com:443")
            #expect(outcome.status == .methodNotAllowed)
            #expect(try await fixture.replicas[0].served().get() == 0)
            #expect(try await fixture.proxy.totals().get().admitted == 0)
            #expect(try await fixture.proxy.figures().get().connectRefusals == 1)
        }
    }

    @Test("with --allow-connect, CONNECT is admitted and reaches a replica as a plain request")
    func connectAllowed() async throws {
        let fixture = try await ProxyFixture.start([fast]) { configuration in
            configuration.allowConnect = true
        }
        try await fixture.run {
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n")
            try await poll("the replica to take it") { try await fixture.replicas[0].served().get() == 1 }
            #expect(try await fixture.proxy.totals().get().admitted == 1)
            #expect(try await fixture.proxy.figures().get().connectRefusals == 0)
            await client.close()
            try await fixture.expectConserved()
        }
    }

    @Test("an absolute-form target reaches a replica with a base path as that path")
    func absoluteFormWithBasePath() async throws {
        let based = ReplicaServerConfiguration(maxOngoing: 5, serviceTime: .milliseconds(1),
                                               queueLengthPath: "/base/-/queue-length")
        let fixture = try await ProxyFixture.start([based]) { configuration in
            configuration.replicas = configuration.replicas.map { spec in
                var spec = spec
                spec.address = ReplicaAddress(host: spec.address.host, port: spec.address.port, basePath: "/base")
                return spec
            }
        }
        try await fixture.run {
            let outcome = try await fixture.send(path: "http://example.com/items/1?x=2")
            #expect(outcome.response?.body == "ok /base/items/1?x=2\n")
            // `OPTIONS *` asks about the server as a whole: for a replica with a base path, that path.
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("OPTIONS * HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n")
            try await poll("the connection to close") { try await client.isClosed }
            #expect(try await client.received().hasSuffix("\r\n\r\nok /base\n"))
        }
    }

    @Test("Transfer-Encoding: gzip, chunked keeps gzip both ways, with the chunks framed intact")
    func gzipChunkedKept() async throws {
        try await withCannedReplica(answer:
            "HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n4\r\nzzzz\r\n0\r\n\r\n") { canned, fixture in
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("""
                POST /z HTTP/1.1\r\nhost: a\r\ntransfer-encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n
                """)
            try await poll("the answer's last chunk") { try await client.received().hasSuffix("0\r\n\r\n") }
            let answer = try await client.received().lowercased()
            #expect(answer.contains("transfer-encoding: gzip, chunked\r\n"), "\(answer)")
            #expect(answer.hasSuffix("\r\n\r\n4\r\nzzzz\r\n0\r\n\r\n"), "\(answer)")
            let request = canned.received.lowercased()
            #expect(request.contains("transfer-encoding: gzip, chunked\r\n"), "\(request)")
            #expect(request.hasSuffix("\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), "\(request)")
            await client.close()
            try await fixture.expectConserved()
        }
    }

    @Test("trailers pass from the client to the replica")
    func trailersToReplica() async throws {
        try await withCannedReplica(answer: "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok") { canned, fixture in
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("""
                POST /t HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nx-sum: 7\r\n\r\n
                """)
            try await poll("the answer") { try await client.received().hasSuffix("ok") }
            #expect(canned.received.lowercased().hasSuffix("0\r\nx-sum: 7\r\n\r\n"), "\(canned.received)")
            await client.close()
            try await fixture.expectConserved()
        }
    }

    @Test("a body for a replica that reads nothing stops the client instead of filling the router's memory")
    func bodyBackPressureFromReplica() async throws {
        let sink = try await SinkReplica.start(on: MultiThreadedEventLoopGroup.singleton)
        let fixture = try await ProxyFixture.start([]) { configuration in
            configuration.replicas = [ReplicaSpec(address: ReplicaAddress(host: "127.0.0.1", port: sink.port))]
        }
        try await fixture.run {
            let megabytes = 256
            let client = try await RawConnection.open(port: fixture.proxy.port, on: fixture.clientGroup)
            try await client.send("POST /upload HTTP/1.1\r\nhost: a\r\ncontent-length: \(megabytes << 20)\r\n\r\n")
            let sent = Mutex(0)
            let channel = client.channel
            let pump = Task {
                let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 20)
                for _ in 0..<megabytes {
                    try await channel.writeAndFlush(chunk)
                    sent.withLock { $0 += 1 }
                }
            }
            // The upload stalls once the buffers between client and replica are full.
            var last = -1
            try await poll("the upload to stall", timeout: .seconds(30), every: .milliseconds(500)) {
                let now = sent.withLock { $0 }
                defer { last = now }
                return now == last
            }
            let stalledAt = sent.withLock { $0 }
            // Kernel buffers on loopback hold a few MiB each way; the router itself holds at most
            // its high-water marks. Without back-pressure the router would take all 256 MiB.
            #expect(stalledAt < 64, "the client sent \(stalledAt) MiB before it was held back")
            pump.cancel()
            await client.close()
        }
        await sink.stop()
    }
}
