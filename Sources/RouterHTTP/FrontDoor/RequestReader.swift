import NIOCore
import NIOHTTP1

/// Reads a client's HTTP/1 requests from the bytes of its connection, one part at a time.
///
/// Parsed where they arrive, in the front door's handler, without NIO's decoder in front of it:
/// its callbacks, the `NIOAny` box of every part and the pipeline hop between the two handlers
/// cost more per request than the parsing itself. Bodies are passed on as slices of the bytes
/// read, as they come (`BodyReader`). As strict as the decoder it replaces, and where a lenient
/// parser lets one request hide in another (RFC 9112 §11.2) stricter: a bare CR, a folded header,
/// both `Content-Length` and `Transfer-Encoding`, two different lengths, or a coding after
/// `chunked` are refused. Errors are NIO's `HTTPParserError`s, which the pipelining
/// (`FrontDoorPipeline`) answers as before.
struct RequestReader {
    /// A part of a request, as the connection takes it. Not copyable, so that it is handed on
    /// rather than copied (`AnswerReader.Part`).
    enum Part: ~Copyable {
        /// The head, and what it says of the body and the connection.
        case head(ClientHead, RequestFraming)
        case body(ByteBuffer)
        /// The request ended, with the trailers after a chunked body.
        case end(HTTPHeaders?)
    }

    /// What comes after the request being read, decided by its head.
    private enum After {
        /// The next request.
        case nextRequest
        /// Nothing: the client said it closes (`Connection: close`, or HTTP/1.0 without
        /// keep-alive). Bytes after it are an error, as they were to NIO's decoder.
        case close
        /// Another protocol (CONNECT, or an upgrade the router never takes): what follows is
        /// dropped, as NIO's decoder stopped parsing there.
        case otherProtocol
    }

    private var body = BodyReader()
    private var headScanner = HeaderBlock.Scanner()
    /// What comes once the body (or the end) of the last head read is done.
    private var after = After.nextRequest
    /// True once the input did not parse: nothing after it is read.
    private var failed = false

    /// The next part of a request in `buffer`, consuming its bytes; nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws(HTTPParserError) -> Part? {
        guard !failed else {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return nil
        }
        do {
            return try read(&buffer)
        } catch {
            failed = true
            buffer.moveReaderIndex(to: buffer.writerIndex)
            throw error
        }
    }

    private mutating func read(_ buffer: inout ByteBuffer) throws(HTTPParserError) -> Part? {
        if body.inMessage {
            let part: BodyReader.Part?
            do { part = try body.next(&buffer) } catch { throw Self.parserError(error) }
            switch part {
            case .body(let bytes): return .body(bytes)
            case .end(let trailers): return .end(trailers)
            case nil: return nil
            }
        }
        switch after {
        case .nextRequest:
            break
        case .close:
            guard !HeaderBlock.skipEmptyLines(&buffer) else { throw .closedConnection }
            return nil
        case .otherProtocol:
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return nil
        }
        if headScanner.scanned == 0, !HeaderBlock.skipEmptyLines(&buffer) { return nil }
        let end: Int?
        do { end = try headScanner.end(of: buffer) } catch { throw Self.parserError(error) }
        guard let end else { return nil }
        // The head keeps its bytes as a slice of what was read: its fields point into them.
        let head = buffer.readSlice(length: end)!
        let parsed = try head.withUnsafeReadableBytes { bytes throws(HTTPParserError) in
            try Self.parse(bytes, of: head)
        }
        body.start(parsed.framing.body)
        after = parsed.after
        return .head(parsed.head, parsed.framing)
    }

    /// A request's line and headers, and what they say of its body and of what follows it. Its
    /// keep-alive is what the headers ask for: a connection whose input stops after a CONNECT
    /// stays open after its answer, as with NIO's decoder, until it idles out. `bytes` are
    /// `head`'s, read.
    private static func parse(_ bytes: UnsafeRawBufferPointer, of head: ByteBuffer) throws(HTTPParserError)
        -> (head: ClientHead, framing: RequestFraming, after: After) {
        var lines = HeaderBlock.Lines(bytes: bytes)
        guard let requestLine = lines.next() else { throw .invalidMethod }
        let (method, target, version) = try self.requestLine(bytes, requestLine)
        var fields: [HeadField] = []
        fields.reserveCapacity(16)
        var framing = FramingHeaders()
        do {
            while let line = lines.next() {
                let field = try HeaderBlock.field(bytes, line)
                try framing.read(name: UnsafeRawBufferPointer(rebasing: bytes[field.name]),
                                 value: UnsafeRawBufferPointer(rebasing: bytes[field.value]))
                fields.append(HeadField(name: field.name, value: field.value))
            }
            try framing.checkNotConflicting()
        } catch {
            throw parserError(error)
        }
        // A request's body has a length or is chunked; any other coding cannot be framed, so it is
        // refused (RFC 9112 §6.3; NIO's `unknown` is its decoder's name for that), and with neither
        // the request has no body.
        let body: BodyFraming
        if framing.chunked {
            body = .chunked
        } else if framing.encoded {
            throw .unknown
        } else {
            body = .length(framing.length ?? 0)
        }
        let keepAlive = framing.toldToKeep(version)
        let after: After
        switch method {
        case .CONNECT: after = .otherProtocol
        default: after = framing.upgrade && framing.connectionUpgrade ? .otherProtocol : keepAlive ? .nextRequest : .close
        }
        let request = ClientHead(method: method, target: target, version: version, bytes: head, fields: fields)
        // `Expect` is HTTP/1.1's (RFC 9110 §10.1.1): an HTTP/1.0 client sends its body regardless.
        let requestFraming = RequestFraming(keepAlive: keepAlive, body: body,
                                            expectsContinue: framing.expectsContinue && version.minor >= 1)
        return (request, requestFraming, after)
    }

    /// `GET /path HTTP/1.1`: a method (any token), a target of visible ASCII, and HTTP/1.x,
    /// one space between each.
    private static func requestLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) throws(HTTPParserError)
        -> (HTTPMethod, String, HTTPVersion) {
        let text = UnsafeRawBufferPointer(rebasing: bytes[line])
        var methodEnd = 0
        while methodEnd < text.count, text[methodEnd] != .space {
            guard text[methodEnd].isTokenCharacter else { throw .invalidMethod }
            methodEnd += 1
        }
        guard methodEnd > 0, methodEnd < text.count else { throw .invalidMethod }
        // " HTTP/1.1" ends the line.
        let versionStart = text.count - 8
        guard versionStart > methodEnd + 2, text[versionStart - 1] == .space else { throw .invalidVersion }
        let version = UnsafeRawBufferPointer(rebasing: text[versionStart...])
        guard version.hasPrefix("HTTP/1."), version[7].isDigit else { throw .invalidVersion }
        let targetBytes = UnsafeRawBufferPointer(rebasing: text[(methodEnd + 1)..<(versionStart - 1)])
        // Visible ASCII only, as a URI is (RFC 3986) and as NIO's decoder had it.
        for byte in targetBytes where byte <= .space || byte >= 0x7F { throw .invalidURL }
        return (method(UnsafeRawBufferPointer(rebasing: text[..<methodEnd])),
                String(decoding: targetBytes, as: UTF8.self),
                HTTPVersion(major: 1, minor: Int(version[7].digitValue)))
    }

    /// The method named by `token`; the common ones without making a string first.
    private static func method(_ token: UnsafeRawBufferPointer) -> HTTPMethod {
        switch token.count {
        case 3 where token.hasPrefix("GET"): .GET
        case 4 where token.hasPrefix("POST"): .POST
        default: HTTPMethod(rawValue: String(decoding: token, as: UTF8.self))
        }
    }

    /// The error NIO's decoder reported for the same fault, for the pipelining.
    private static func parserError(_ error: WireError) -> HTTPParserError {
        switch error {
        case .headTooLarge: .headerOverflow
        case .badContentLength: .invalidContentLength
        case .conflictingFraming: .unexpectedContentLength
        case .malformedChunk, .truncated: .invalidChunkSize
        case .chunkedNotLast: .unknown
        case .malformedHeader, .foldedHeader, .malformedStatusLine, .unsupportedVersion, .unexpectedSwitch:
            .invalidHeaderToken
        }
    }
}

/// What a request's head says of its body and its connection, found while it was parsed.
struct RequestFraming: Equatable {
    /// Whether the client keeps the connection open after this request.
    var keepAlive: Bool
    /// A length (0: no body) or chunked.
    var body: BodyFraming
    /// Whether the client waits to be told to go on before it sends the body (`Expect:
    /// 100-continue`, HTTP/1.1).
    var expectsContinue: Bool
}
