import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import RouterHTTP

/// A part as read, in a form that compares: headers as `name: value` lines, bodies as text.
private enum Part: Equatable {
    case head(Int, [String])
    case body(String)
    case end([String]?)
}

/// Everything the reader makes of `text` fed `piece` bytes at a time, answers to `methods` in
/// order; `closed` ends with the connection closing. Consecutive body parts are joined, so the
/// result does not depend on how the bytes were split.
private func read(_ text: String, methods: [HTTPMethod] = [.GET], piece: Int = .max, closed: Bool = false) throws(WireError) -> [Part] {
    var reader = AnswerReader()
    for method in methods { reader.requestWritten(method) }
    var parts: [Part] = []
    func add(_ part: consuming AnswerReader.Part) {
        switch consume part {
        case .head(let head, _):
            parts.append(.head(Int(head.status.code), head.headers.map { "\($0.name): \($0.value)" }))
        case .body(let body):
            if case .body(let earlier) = parts.last {
                parts[parts.count - 1] = .body(earlier + String(buffer: body))
            } else {
                parts.append(.body(String(buffer: body)))
            }
        case .end(let trailers):
            parts.append(.end(trailers.map { $0.map { "\($0.name): \($0.value)" } }))
        }
    }
    var buffer = ByteBuffer()
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + piece)
        buffer.writeBytes(bytes[offset..<end])
        offset = end
        while let part = try reader.next(&buffer) { add(part) }
    }
    if closed, let part = try reader.closed(buffer) { add(part) }
    return parts
}

/// The error reading `text` ends with, nil when there is none.
private func refusal(_ text: String, methods: [HTTPMethod] = [.GET], closed: Bool = false) -> WireError? {
    do {
        _ = try read(text, methods: methods, closed: closed)
        return nil
    } catch {
        return error
    }
}

@Suite("replica answers read from raw bytes")
struct AnswerReaderTests {
    static let twoAnswers = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\n\r\nhello"
        + "HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\nX-A:  spaced value \t\r\n\r\nno"

    @Test("answers with a length, whole or a byte at a time, end at their length; values keep what follows them", arguments: [Int.max, 1, 7])
    func lengthFramed(piece: Int) throws {
        let parts = try read(Self.twoAnswers, methods: [.GET, .GET], piece: piece)
        #expect(parts == [
            .head(200, ["Server: nginx", "Content-Length: 5"]), .body("hello"), .end(nil),
            .head(404, ["content-length: 2", "X-A: spaced value \t"]), .body("no"), .end(nil),
        ])
    }

    @Test("chunked answers: sizes in hex, extensions dropped, trailers kept", arguments: [Int.max, 1])
    func chunked(piece: Int) throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
            + "5;name=\"x\"\r\nhello\r\nC \r\n, whole wide\r\n0\r\nX-Digest: abc\r\nX-More: 1\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nend\r\n0\r\n\r\n"
        let parts = try read(text, methods: [.GET, .GET], piece: piece)
        #expect(parts == [
            .head(200, ["Transfer-Encoding: gzip, chunked"]), .body("hello, whole wide"),
            .end(["X-Digest: abc", "X-More: 1"]),
            .head(200, ["Transfer-Encoding: chunked"]), .body("end"), .end(nil),
        ])
    }

    @Test("an answer to HEAD has no body whatever its headers say; the next answer follows its head")
    func headAnswers() throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let parts = try read(text, methods: [.HEAD, .HEAD, .GET])
        #expect(parts == [
            .head(200, ["Content-Length: 5"]), .end(nil),
            .head(200, ["Transfer-Encoding: chunked"]), .end(nil),
            .head(200, ["Content-Length: 2"]), .body("ok"), .end(nil),
        ])
    }

    @Test("the fields of a head passed on take the next head's, their storage used again")
    func fieldsRecycled() throws {
        var reader = AnswerReader()
        reader.requestWritten(.GET)
        reader.requestWritten(.GET)
        let many = (0..<20).map { "x-\($0): v\r\n" }.joined()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\(many)\r\n"
                                        + "HTTP/1.1 204 No Content\r\nServer: a\r\n\r\n")
        let capacity: Int
        do {
            guard case .head(let first, _) = try reader.next(&buffer) else { throw WireError.truncated }
            capacity = first.fields.capacity
            reader.recycle(first.fields)
        }
        // More than a new head's fields get (16): the second head's are the first's.
        try #require(capacity > 16)
        guard case .end = try reader.next(&buffer) else { throw WireError.truncated }
        guard case .head(let second, _) = try reader.next(&buffer) else { throw WireError.truncated }
        #expect(second.fields.capacity == capacity)
        #expect(second.headers.map { "\($0.name): \($0.value)" } == ["Server: a"])
    }

    @Test("fields with room for more than keptFieldLimit are not kept for the next head")
    func manyFieldsNotKept() throws {
        var reader = AnswerReader()
        reader.requestWritten(.GET)
        reader.requestWritten(.GET)
        let many = (0..<AnswerReader.keptFieldLimit).map { "x-\($0): v\r\n" }.joined()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\(many)\r\n"
                                        + "HTTP/1.1 204 No Content\r\nServer: a\r\n\r\n")
        do {
            guard case .head(let first, _) = try reader.next(&buffer) else { throw WireError.truncated }
            try #require(first.fields.capacity > AnswerReader.keptFieldLimit)
            reader.recycle(first.fields)
        }
        guard case .end = try reader.next(&buffer) else { throw WireError.truncated }
        guard case .head(let second, _) = try reader.next(&buffer) else { throw WireError.truncated }
        #expect(second.fields.capacity <= AnswerReader.keptFieldLimit)
    }

    @Test("204 and 304 have no body; informational answers are dropped; 101 is refused")
    func statusesWithoutBodies() throws {
        let text = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n"
            + "HTTP/1.1 304 Not Modified\r\n\r\n"
        let parts = try read(text, methods: [.GET, .GET])
        #expect(parts == [.head(204, ["Content-Length: 9"]), .end(nil), .head(304, []), .end(nil)])
        #expect(refusal("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n") == .unexpectedSwitch)
    }

    @Test("without a length the body runs until the connection closes, and ends there")
    func untilClose() throws {
        let plain = "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of it"
        #expect(try read(plain, closed: true) == [.head(200, ["Server: old"]), .body("all of it"), .end(nil)])
        let encoded = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzipped"
        #expect(try read(encoded, closed: true) == [.head(200, ["Transfer-Encoding: gzip"]), .body("zipped"), .end(nil)])
        #expect(try read(plain) == [.head(200, ["Server: old"]), .body("all of it")])
    }

    @Test("a close inside an answer of known length cuts it short; a close between answers is nothing")
    func truncated() throws {
        #expect(refusal("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", closed: true) == .truncated)
        #expect(refusal("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", closed: true) == .truncated)
        #expect(refusal("HTTP/1.1 200 OK\r\nContent-Le", closed: true) == .truncated)
        #expect(try read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n", closed: true)
            == [.head(200, ["Content-Length: 2"]), .body("ok"), .end(nil)])
    }

    @Test("lines may end in a bare LF; blank lines between answers are skipped; equal lengths agree")
    func lenient() throws {
        let text = "HTTP/1.1 200 OK\nContent-Length: 2\nContent-Length: 2\n\nok\r\n\r\nHTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"
        #expect(try read(text, methods: [.GET, .GET])
            == [.head(200, ["Content-Length: 2", "Content-Length: 2"]), .body("ok"), .end(nil),
                .head(200, ["Content-Length: 0"]), .end(nil)])
    }

    @Test("keep-alive follows the version and Connection's tokens, as NIO decided it, and never outlives a body that runs until the close", arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", true),
        ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n", false),
        ("HTTP/1.1 200 OK\r\nconnection: Upgrade ,  CLOSE\r\nContent-Length: 0\r\n", false),
        ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n", false),
        ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n", true),
        ("HTTP/1.0 200 OK\r\nConnection: x, Keep-Alive\r\nContent-Length: 0\r\n", true),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n", false),
        ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", false),
    ])
    func keepAlive(head: String, keepAlive: Bool) throws {
        var reader = AnswerReader()
        var buffer = ByteBuffer(string: head + "\r\n")
        let part = try reader.next(&buffer)
        guard case .head(_, let read) = part else { throw WireError.truncated }
        #expect(read == keepAlive)
    }

    @Test("an answer to HEAD without a length ends at its head but closes the connection after it")
    func headWithoutLength() throws {
        var reader = AnswerReader()
        reader.requestWritten(.HEAD)
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n")
        guard case .head(_, let keepAlive) = try reader.next(&buffer) else { throw WireError.truncated }
        #expect(!keepAlive)
        guard case .end = try reader.next(&buffer) else { throw WireError.truncated }
    }

    @Test("what could hide one message in another, or is not HTTP/1, is refused", arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", WireError.conflictingFraming),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", .badContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n", .badContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .badContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n", .badContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", .chunkedNotLast),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .chunkedNotLast),
        ("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", .foldedHeader),
        ("HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n", .malformedHeader),
        ("HTTP/1.1 200 OK\r\n: 1\r\n\r\n", .malformedHeader),
        ("HTTP/1.1 200 OK\r\nX-A 1\r\n\r\n", .malformedHeader),
        ("HTTP/1.1 200 OK\r\nX-A: 1\rContent-Length: 0\r\n\r\n", .malformedHeader),
        ("HTTP/1.1 200 OK\r\nX-A: a\u{0}b\r\n\r\n", .malformedHeader),
        ("HTTP/1.1 200 OK\rX\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 20 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 2000 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/1.1 099 Low\r\n\r\n", .malformedStatusLine),
        ("ICY 200 OK\r\n\r\n", .malformedStatusLine),
        ("HTTP/2.0 200 OK\r\n\r\n", .unsupportedVersion),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .malformedChunk),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", .malformedChunk),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\n", .malformedChunk),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX", .malformedChunk),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A : 1\r\n\r\n", .malformedHeader),
    ])
    func refused(text: String, error: WireError) {
        #expect(refusal(text) == error)
    }

    @Test("a head, a trailer block or a chunk line past its limit is refused before it all arrived")
    func limits() {
        let header = "X-Filler: " + String(repeating: "a", count: 1000) + "\r\n"
        let endless = "HTTP/1.1 200 OK\r\n" + String(repeating: header, count: HeaderBlock.limit / header.utf8.count + 1)
        #expect(refusal(endless) == .headTooLarge)
        let trailers = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + endless.dropFirst(17)
        #expect(refusal(String(trailers)) == .headTooLarge)
        let extensions = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: BodyReader.chunkLineLimit)
        #expect(refusal(extensions) == .malformedChunk)
        let justUnder = "HTTP/1.1 200 OK\r\n" + String(repeating: header, count: 70) + "Content-Length: 0\r\n\r\n"
        #expect(refusal(justUnder) == nil)
    }

    @Test("in the pipeline, an answer ends with its last byte, and one that runs until the close ends at the close")
    func inThePipeline() throws {
        let (channel, connection, receiver) = try connectionInPipeline()
        func parts() -> [String] {
            defer { receiver.parts = [] }
            return receiver.parts
        }
        connection.receiver = receiver
        connection.requestWritten(.GET)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"))
        #expect(parts() == ["head 200", "body ok", "end"])
        connection.receiver = receiver
        connection.requestWritten(.HEAD)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"))
        #expect(parts() == ["head 200", "end"])
        connection.receiver = receiver
        connection.requestWritten(.GET)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.0 200 OK\r\n\r\nuntil"))
        #expect(parts() == ["head 200", "body until"])
        _ = try channel.finish()
        #expect(parts() == ["end"])
    }

    @Test("in the pipeline, answers that arrive a byte at a time are read as whole ones")
    func byteAtATimeInThePipeline() throws {
        let (channel, connection, receiver) = try connectionInPipeline()
        let answers = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\nyes\r\n0\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\n\r\n"
        connection.receiver = receiver
        connection.requestWritten(.GET)
        connection.requestWritten(.GET)
        for byte in answers.utf8 {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            if receiver.parts.last == "end", connection.receiver == nil { connection.receiver = receiver }
        }
        #expect(receiver.parts == ["head 200", "body o", "body k", "body y", "body e", "body s", "end", "head 204", "end"])
        _ = try channel.finish()
    }
}

@Suite("a bad answer in the pipeline")
struct BadAnswerInPipelineTests {
    @Test("the connection closes, and its receiver hears which rule the answer broke; a close before any answer names none")
    func closesWithTheRule() throws {
        // The answer, whether the replica then closes, and what the receiver hears last.
        for (answer, replicaCloses, heard) in [
            ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", false, "closed: bad Content-Length"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe", true, "closed: cut off before its end"),
            ("", true, "closed"),
        ] {
            let (channel, connection, receiver) = try connectionInPipeline()
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            connection.receiver = receiver
            connection.requestWritten(.GET)
            try channel.writeInbound(ByteBuffer(string: answer))
            if replicaCloses { try channel.close().wait() }
            channel.embeddedEventLoop.run()
            #expect(receiver.parts.last == heard, "\(receiver.parts)")
            #expect(!connection.isOpen)
        }
    }
}

/// A replica connection alone in an embedded channel's pipeline, with a receiver that writes down
/// what it hands on.
private func connectionInPipeline() throws -> (EmbeddedChannel, UpstreamConnection, PartsReceiver) {
    let channel = EmbeddedChannel()
    let connection = UpstreamConnection(allocator: ByteBufferAllocator())
    try channel.pipeline.syncOperations.addHandler(connection)
    return (channel, connection, PartsReceiver())
}

/// Writes down what a connection hands its receiver.
private final class PartsReceiver: UpstreamResponseReceiver {
    var parts: [String] = []

    func upstreamHead(_ head: consuming ReplicaHead) { parts.append("head \(head.status.code)") }
    func upstreamBody(_ body: ByteBuffer) { parts.append("body \(String(buffer: body))") }
    func upstreamReadComplete() {}
    func upstreamEnd(trailers: HTTPHeaders?) { parts.append("end") }
    func upstreamWritable() {}
    func upstreamClosed(brokenRule: WireError?) { parts.append("closed" + (brokenRule.map { ": \($0.rule)" } ?? "")) }
}

@Suite("header values checked eight bytes at a time")
struct FieldValueCheckTests {
    /// Every byte a value may not hold, at every place in values of 1 to 24 bytes (so at every
    /// place in a word, and in the bytes after the last whole word), is found; tabs and bytes
    /// from 0x80 up, which it may hold, are not refused.
    @Test func everyByteAtEveryPlace() {
        let refused = Array(UInt8(0)...UInt8(0x08)) + Array(UInt8(0x0A)...UInt8(0x1F)) + [0x7F]
        let allowed: [UInt8] = [0x09, 0x20, 0x7E, 0x80, 0xC3, 0xFF]
        for length in 1...24 {
            for place in 0..<length {
                for byte in refused + allowed {
                    var value = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    value[place] = byte
                    // Bytes around the range must not be read: a refused byte sits on each side.
                    let bytes = [0x00] + value + [0x00]
                    let accepted = bytes.withUnsafeBytes { HeaderBlock.isFieldValue($0, 1..<length + 1) }
                    #expect(accepted == allowed.contains(byte), "byte \(byte) at \(place) of \(length)")
                }
            }
        }
    }
}

@Suite("header names checked byte by byte")
struct TokenCharacterTests {
    /// Every one of the 256 byte values against RFC 9110's `tchar` written out: letters, digits
    /// and ``!#$%&'*+-.^_`|~``, nothing else.
    @Test func everyByteValue() {
        let tchar = Set(("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + "!#$%&'*+-.^_`|~").utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(byte.isTokenCharacter == tchar.contains(byte), "byte \(byte)")
        }
    }
}
