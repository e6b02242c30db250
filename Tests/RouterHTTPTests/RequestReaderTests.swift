import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import RouterHTTP

/// A part as read, in a form that compares: heads as their start line, keep-alive and
/// `name: value` lines, bodies as text (consecutive parts joined, so the result does not depend
/// on how the bytes were split).
private enum Part: Equatable {
    case head(String, keepAlive: Bool, [String])
    case body(String)
    case end([String]?)

    static func head(_ head: HTTPRequestHead, keepAlive: Bool) -> Part {
        .head("\(head.method.rawValue) \(head.uri) \(head.version)", keepAlive: keepAlive,
              head.headers.map { "\($0.name): \($0.value)" })
    }

    static func head(_ head: ClientHead, keepAlive: Bool) -> Part {
        self.head(HTTPRequestHead(version: head.version, method: head.method, uri: head.target, headers: head.headers),
                  keepAlive: keepAlive)
    }

    static func appending(_ body: ByteBuffer, to parts: inout [Part]) {
        if case .body(let earlier) = parts.last {
            parts[parts.count - 1] = .body(earlier + String(buffer: body))
        } else {
            parts.append(.body(String(buffer: body)))
        }
    }

    static func ended(_ trailers: HTTPHeaders?) -> Part {
        .end(trailers.map { $0.map { "\($0.name): \($0.value)" } })
    }
}

/// What the reader makes of `text` fed `piece` bytes at a time: the parts, and the error it
/// stopped at, if any.
private func read(_ text: String, piece: Int = .max) -> (parts: [Part], error: HTTPParserError?) {
    var reader = RequestReader()
    var parts: [Part] = []
    var buffer = ByteBuffer()
    let bytes = Array(text.utf8)
    var offset = 0
    var error: HTTPParserError?
    while offset < bytes.count {
        let end = min(bytes.count, offset + piece)
        buffer.writeBytes(bytes[offset..<end])
        offset = end
        do {
            while let part = try reader.next(&buffer) {
                switch part {
                case .head(let head, let framing): parts.append(.head(head, keepAlive: framing.keepAlive))
                case .body(let body): Part.appending(body, to: &parts)
                case .end(let trailers): parts.append(.ended(trailers))
                }
            }
        } catch let caught {
            #expect(error == nil, "the reader reports one error, then reads nothing")
            error = caught
        }
    }
    return (parts, error)
}

/// What NIO's decoder, which the reader replaced, makes of the same bytes.
private func decodedByNIO(_ text: String) -> (parts: [Part], refused: Bool) {
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
    defer { _ = try? channel.finish() }
    var refused = false
    do { try channel.writeInbound(ByteBuffer(string: text)) } catch { refused = true }
    var parts: [Part] = []
    while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
        switch part {
        case .head(let head): parts.append(.head(head, keepAlive: head.isKeepAlive))
        case .body(let body): Part.appending(body, to: &parts)
        case .end(let trailers): parts.append(.ended(trailers))
        }
    }
    return (parts, refused)
}

@Suite("client requests read from raw bytes")
struct RequestReaderTests {
    @Test("a request with a length, whole or a few bytes at a time, ends at its length; the next follows", arguments: [Int.max, 1, 7])
    func lengthAndPipelining(piece: Int) {
        let text = "POST /items?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nX-Trail: b \r\n\r\nhello"
            + "GET /next HTTP/1.1\r\nhost: a\r\n\r\n"
        let result = read(text, piece: piece)
        #expect(result.error == nil)
        #expect(result.parts == [
            .head("POST /items?x=1 HTTP/1.1", keepAlive: true, ["Host: a", "Content-Length: 5", "X-Trail: b "]),
            .body("hello"), .end(nil),
            .head("GET /next HTTP/1.1", keepAlive: true, ["host: a"]), .end(nil),
        ])
    }

    @Test("chunked bodies: sizes in hex, extensions dropped, trailers kept", arguments: [Int.max, 1])
    func chunked(piece: Int) {
        let text = "PUT /u HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nDigest: x\r\n\r\n"
        let result = read(text, piece: piece)
        #expect(result.error == nil)
        #expect(result.parts == [
            .head("PUT /u HTTP/1.1", keepAlive: true, ["Transfer-Encoding: gzip, chunked"]),
            .body("hello0123456789"), .end(["Digest: x"]),
        ])
    }

    @Test("keep-alive follows the version and Connection's tokens, as NIO decided it", arguments: [
        ("GET / HTTP/1.1\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n", false),
        ("GET / HTTP/1.0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n", true),
    ])
    func keepAlive(text: String, kept: Bool) throws {
        let head = try #require(read(text).parts.first)
        guard case .head(_, let keepAlive, _) = head else { Issue.record("not a head: \(head)"); return }
        #expect(keepAlive == kept)
        #expect(decodedByNIO(text).parts.first == head)
    }

    @Test("the head says how long the body is and whether the client waits for 100 Continue", arguments: [
        ("GET / HTTP/1.1\r\n\r\n", RequestFraming(keepAlive: true, body: .length(0), expectsContinue: false)),
        ("POST / HTTP/1.1\r\nContent-Length: 12\r\nExpect: 100-Continue \r\n\r\n",
         RequestFraming(keepAlive: true, body: .length(12), expectsContinue: true)),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
         RequestFraming(keepAlive: false, body: .chunked, expectsContinue: false)),
        ("POST / HTTP/1.1\r\nContent-Length: 1\r\nExpect: something-else\r\n\r\n",
         RequestFraming(keepAlive: true, body: .length(1), expectsContinue: false)),
    ])
    func framing(text: String, expected: RequestFraming) throws {
        var reader = RequestReader()
        var buffer = ByteBuffer(string: text)
        guard case .head(_, let framing) = try reader.next(&buffer) else { Issue.record("not a head"); return }
        #expect(framing == expected)
    }

    @Test("after a request that closes, more bytes are an error and empty lines are not; after CONNECT or an upgrade, nothing is read")
    func whatFollows() {
        let closing = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"
        #expect(read(closing + "\r\n\r\n").error == nil)
        let after = read(closing + "GET /again HTTP/1.1\r\n\r\n")
        #expect(after.error == .closedConnection)
        #expect(after.parts.count == 2, "the request before it is read whole")
        let tunnel = read("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\u{16}\u{3}\u{1}binary")
        #expect(tunnel.error == nil)
        #expect(tunnel.parts == [
            .head("CONNECT example.com:443 HTTP/1.1", keepAlive: true, ["Host: example.com:443"]), .end(nil),
        ])
        let upgrade = read("GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET / HTTP/1.1\r\n\r\n")
        #expect(upgrade.error == nil)
        #expect(upgrade.parts.count == 2, "the bytes after an upgrade are dropped, as NIO's decoder dropped them")
        // `Upgrade` without `Connection: upgrade` asks for nothing: the next request is read.
        #expect(read("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET / HTTP/1.1\r\n\r\n").parts.count == 4)
    }

    @Test("blank lines before a request are skipped; lines may end in a bare LF; equal lengths agree")
    func tolerated() {
        let result = read("\r\n\r\nPOST / HTTP/1.1\nContent-Length: 2\nContent-Length: 2\n\nok")
        #expect(result.error == nil)
        #expect(result.parts == [
            .head("POST / HTTP/1.1", keepAlive: true, ["Content-Length: 2", "Content-Length: 2"]), .body("ok"), .end(nil),
        ])
    }

    @Test("any method token passes, as RFC 9110 defines methods; the common ones and NIO's named ones keep their case")
    func methods() {
        #expect(read("QUERY /search HTTP/1.1\r\n\r\n").parts.first == .head("QUERY /search HTTP/1.1", keepAlive: true, []))
        #expect(read("PROPFIND / HTTP/1.1\r\n\r\n").parts.first == .head("PROPFIND / HTTP/1.1", keepAlive: true, []))
        #expect(read("DELETE /x HTTP/1.1\r\n\r\n").parts.first == .head("DELETE /x HTTP/1.1", keepAlive: true, []))
    }

    @Test("what could hide one request in another, or is not HTTP/1, is refused, with NIO's error", arguments: [
        ("G(T / HTTP/1.1\r\n\r\n", HTTPParserError.invalidMethod),
        (" GET / HTTP/1.1\r\n\r\n", .invalidMethod),
        ("GET\r\n\r\n", .invalidMethod),
        ("GET / HTTP/2.0\r\n\r\n", .invalidVersion),
        ("GET /\r\n\r\n", .invalidVersion),
        ("GET  HTTP/1.1\r\n\r\n", .invalidVersion),
        ("GET /a b HTTP/1.1\r\n\r\n", .invalidURL),
        ("GET /a\u{7F} HTTP/1.1\r\n\r\n", .invalidURL),
        ("GET /a\rb HTTP/1.1\r\n\r\n", .invalidURL),
        ("GET /é HTTP/1.1\r\n\r\n", .invalidURL),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", .invalidHeaderToken),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", .invalidHeaderToken),
        ("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", .invalidHeaderToken),
        ("GET / HTTP/1.1\r\nno colon\r\n\r\n", .invalidHeaderToken),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", .unexpectedContentLength),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nContent-Length: -3\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", .unknown),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .unknown),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunkSize),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", .invalidChunkSize),
    ])
    func refused(text: String, error: HTTPParserError) {
        #expect(read(text).error == error)
        #expect(decodedByNIO(text).refused, "NIO's decoder refused it too")
    }

    @Test("after an error nothing more is read, a valid request included")
    func nothingAfterAnError() throws {
        var reader = RequestReader()
        var buffer = ByteBuffer(string: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
        guard case .head = try reader.next(&buffer) else { Issue.record("not a head"); return }
        #expect(throws: HTTPParserError.invalidChunkSize) { _ = try reader.next(&buffer) }
        buffer.writeString("GET / HTTP/1.1\r\n\r\n")
        #expect(try reader.next(&buffer) == nil)
        #expect(buffer.readableBytes == 0, "the bytes are dropped")
    }

    @Test("a head or a chunk line past its limit is refused before it all arrived")
    func limits() {
        let header = "X-Filler: " + String(repeating: "a", count: 1000) + "\r\n"
        let endless = "GET / HTTP/1.1\r\n" + String(repeating: header, count: HeaderBlock.limit / header.utf8.count + 1)
        #expect(read(endless, piece: 4096).error == .headerOverflow)
        let extensions = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;"
            + String(repeating: "e", count: BodyReader.chunkLineLimit)
        #expect(read(extensions).error == .invalidChunkSize)
    }

    @Test("valid requests read as NIO's decoder read them: heads, bodies, trailers and keep-alive", arguments: [
        "GET / HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
        "GET http://example.com/a?b=c HTTP/1.1\r\nHost: example.com\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "HEAD /x HTTP/1.0\r\nConnection: keep-alive\r\nX-Empty:\r\nX-Spaces:   v  \r\n\r\n",
        "POST /p HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "POST /p HTTP/1.1\r\ncontent-length: 11\r\n\r\nhello world",
        "POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nA: 1\r\nB: 2\r\n\r\n",
        "GET /e HTTP/1.1\r\nX-Obs: café\r\n\r\n",
        "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\nConnection: close\r\n\r\n",
    ])
    func sameAsNIO(text: String) {
        let ours = read(text)
        let nio = decodedByNIO(text)
        #expect(ours.error == nil)
        #expect(!nio.refused)
        #expect(ours.parts == nio.parts)
    }
}
