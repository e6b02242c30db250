import NIOCore
import NIOHTTP1

/// Reads a replica's HTTP/1 answers from the bytes of its connection, one part at a time.
///
/// Parsed where they arrive, without NIO's decoder: its callbacks, `NIOAny` boxes and per-field
/// bookkeeping cost more per answer than the rest of the upstream side. Heads stay the bytes they
/// came as (`ReplicaHead`), and bodies are passed on as slices of the bytes read, as they come, so
/// a large answer streams (`BodyReader`). Strict where a lenient parser lets one message hide in
/// another (RFC 9112 §11.2): a bare CR, a folded header, both `Content-Length` and
/// `Transfer-Encoding`, two different lengths, or `chunked` anywhere but last end the connection.
struct AnswerReader {
    /// A part of an answer, as the connection takes it. Not copyable, so that it is handed on
    /// rather than copied: a copy of a head went through the runtime's generic copy, about 250
    /// instructions a part.
    enum Part: ~Copyable {
        /// The head, and whether the replica keeps the connection open after this answer.
        case head(ReplicaHead, keepAlive: Bool)
        case body(ByteBuffer)
        /// The answer ended, with the trailers after a chunked body.
        case end(HTTPHeaders?)
    }

    private var body = BodyReader()
    private var headScanner = HeaderBlock.Scanner()
    /// For each request written and not yet answered: whether its answer has no body.
    private var bodiless = CircularBuffer<Bool>(initialCapacity: 4)
    /// The fields of the last head passed on, for the next head to be parsed into: a head's fields
    /// were an allocation and a free every answer.
    private var spareFields: [HeadField] = []
    /// The most fields whose storage is kept (a field is 32 bytes): a head with more (the head
    /// limit allows thousands) has its storage freed, as before.
    static let keptFieldLimit = 64

    /// Takes back the fields of a head the connection passed on, unless they had room for more than
    /// `keptFieldLimit`. The next head reuses their storage once nothing else holds it.
    mutating func recycle(_ fields: [HeadField]) {
        guard fields.capacity <= Self.keptFieldLimit else { return }
        spareFields = fields
    }

    /// A request went out; `method` decides whether its answer has a body.
    mutating func requestWritten(_ method: HTTPMethod) {
        bodiless.append(method.answerHasNoBody)
    }

    /// The next part of the answer in `buffer`, consuming its bytes; nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws(WireError) -> Part? {
        if !body.inMessage { return try readHead(&buffer) }
        switch try body.next(&buffer) {
        case .body(let part): return .body(part)
        case .end(let trailers): return .end(trailers)
        case nil: return nil
        }
    }

    /// The connection closed: the end of an answer that runs until then, nil when between answers.
    /// Throws when the close cut an answer short.
    mutating func closed(_ buffer: ByteBuffer) throws(WireError) -> Part? {
        guard body.inMessage || buffer.readableBytes > 0 else { return nil }
        guard case .end(let trailers) = try body.closed() else { throw .truncated }
        return .end(trailers)
    }

    /// The next answer's head, informational ones (1xx) dropped; nil when it has not all arrived.
    private mutating func readHead(_ buffer: inout ByteBuffer) throws(WireError) -> Part? {
        while true {
            if headScanner.scanned == 0, !HeaderBlock.skipEmptyLines(&buffer) { return nil }
            guard let end = try headScanner.end(of: buffer) else { return nil }
            // The head's bytes stay where they were read: the client's head is written from them.
            let bytes = buffer.readSlice(length: end)!
            let parsed = try bytes.withUnsafeReadableBytes { bytes throws(WireError) in
                var spare: [HeadField] = []
                swap(&spare, &self.spareFields)
                return try AnswerHead.parse(bytes, bodiless: self.bodiless.first ?? false, reusing: consume spare)
            }
            let code = parsed.status.code
            if code == 101 { throw .unexpectedSwitch }
            if code < 200 { continue }
            // An answer no request asked for is read as one to GET.
            if !bodiless.isEmpty { bodiless.removeFirst() }
            body.start(parsed.framing)
            let head = ReplicaHead(version: parsed.version, status: parsed.status, bytes: bytes, fields: parsed.fields,
                                   hasContentLength: parsed.hasContentLength)
            return .head(head, keepAlive: parsed.keepAlive)
        }
    }
}
