import NIOCore
import NIOHTTP1

/// Reads a replica's HTTP/1 answers from the bytes of its connection, one part at a time.
///
/// Parsed where they arrive, without NIO's decoder: its callbacks, `NIOAny` boxes and per-field
/// bookkeeping cost more per answer than the rest of the upstream side. Heads stay the bytes they
/// came as (`ReplicaHead`), and bodies are passed on as slices of the bytes read, as they come, so
/// a large answer streams. Strict where a lenient
/// parser lets one message hide in another (RFC 9112 §11.2): a bare CR, a folded header, both
/// `Content-Length` and `Transfer-Encoding`, two different lengths, or `chunked` anywhere but
/// last end the connection.
struct AnswerReader {
    /// A part of an answer, as the connection takes it.
    enum Part {
        /// The head, and whether the replica keeps the connection open after this answer.
        case head(ReplicaHead, keepAlive: Bool)
        case body(ByteBuffer)
        /// The answer ended, with the trailers after a chunked body.
        case end(HTTPHeaders?)
    }

    /// The most a head or a block of trailers may take, as NIO's decoder allowed (80 KiB).
    static let headLimit = 80 * 1024
    /// The most a chunk's size line (with its extensions) may take.
    static let chunkLineLimit = 4 * 1024

    private enum Phase: Equatable {
        case head
        case body(left: Int)
        case untilClose
        case chunkLine
        case chunkData(left: Int)
        case chunkDataEnd
        case trailers
        /// The answer ended with its head: its end is the next part.
        case ending
    }

    private var phase = Phase.head
    /// How far into an unfinished head or trailer block the search got.
    private var scanned = 0
    /// For each request written and not yet answered: whether its answer has no body.
    private var bodiless = CircularBuffer<Bool>(initialCapacity: 4)

    /// A request went out; `method` decides whether its answer has a body.
    mutating func requestWritten(_ method: HTTPMethod) {
        bodiless.append(method == .HEAD || method == .CONNECT)
    }

    /// The next part of the answer in `buffer`, consuming its bytes; nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws(ReplicaAnswerError) -> Part? {
        while true {
            switch phase {
            case .head:
                guard let head = try readHead(&buffer) else { return nil }
                if let head { return .head(head.0, keepAlive: head.1) }
                // An informational answer (1xx) was dropped: read on.
            case .ending:
                phase = .head
                return .end(nil)
            case .body(let left):
                guard let part = Self.slice(upTo: left, of: &buffer) else { return nil }
                phase = part.readableBytes == left ? .ending : .body(left: left - part.readableBytes)
                return .body(part)
            case .untilClose:
                guard buffer.readableBytes > 0 else { return nil }
                return .body(buffer.readSlice(length: buffer.readableBytes)!)
            case .chunkLine:
                guard let size = try readChunkLine(&buffer) else { return nil }
                phase = size == 0 ? .trailers : .chunkData(left: size)
            case .chunkData(let left):
                guard let part = Self.slice(upTo: left, of: &buffer) else { return nil }
                phase = part.readableBytes == left ? .chunkDataEnd : .chunkData(left: left - part.readableBytes)
                return .body(part)
            case .chunkDataEnd:
                guard let ended = readLineEnd(&buffer) else { return nil }
                guard ended else { throw .malformedChunk }
                phase = .chunkLine
            case .trailers:
                guard let trailers = try readTrailers(&buffer) else { return nil }
                phase = .head
                return .end(trailers)
            }
        }
    }

    /// The connection closed: the end of an answer that runs until then, nil when between answers.
    /// Throws when the close cut an answer short.
    mutating func closed(_ buffer: ByteBuffer) throws(ReplicaAnswerError) -> Part? {
        switch phase {
        case .untilClose:
            phase = .head
            return .end(nil)
        case .head where buffer.readableBytes == 0:
            return nil
        default:
            throw .truncated
        }
    }

    /// A head and whether the connection is kept after its answer, `.some(nil)` for a dropped
    /// informational one, nil when it has not all arrived.
    private mutating func readHead(_ buffer: inout ByteBuffer) throws(ReplicaAnswerError) -> (ReplicaHead, Bool)?? {
        if scanned == 0 {
            // Blank lines between answers (some servers end a body with an extra CRLF).
            while let byte = buffer.readableBytesView.first, byte == .carriageReturn || byte == .lineFeed {
                buffer.moveReaderIndex(forwardBy: 1)
            }
        }
        guard buffer.readableBytes > 0 else { return nil }
        guard let end = try blockEnd(buffer) else { return nil }
        // The head's bytes stay where they were read: the client's head is written from them.
        let bytes = buffer.readSlice(length: end)!
        let parsed = try bytes.withUnsafeReadableBytes { bytes throws(ReplicaAnswerError) in
            try AnswerHead.parse(bytes, bodiless: self.bodiless.first ?? false)
        }
        let code = parsed.status.code
        if code == 101 { throw .unexpectedSwitch }
        if code < 200 { return .some(nil) }
        // An answer no request asked for is read as one to GET.
        if !bodiless.isEmpty { bodiless.removeFirst() }
        switch parsed.framing {
        case .none: phase = .ending
        case .length(let length): phase = .body(left: length)
        case .chunked: phase = .chunkLine
        case .untilClose: phase = .untilClose
        }
        let head = ReplicaHead(version: parsed.version, status: parsed.status, bytes: bytes, fields: parsed.fields,
                               hasContentLength: parsed.hasContentLength)
        return .some((head, parsed.keepAlive))
    }

    /// Where the header block at the buffer's start ends; nil until its empty line arrived.
    private mutating func blockEnd(_ buffer: ByteBuffer) throws(ReplicaAnswerError) -> Int? {
        let search = buffer.withUnsafeReadableBytes { HeaderBlock.search($0, from: scanned) }
        switch search {
        case .ends(let end):
            scanned = 0
            guard end <= Self.headLimit else { throw .headTooLarge }
            return end
        case .unfinished(let resumeAt):
            guard buffer.readableBytes <= Self.headLimit else { throw .headTooLarge }
            scanned = resumeAt
            return nil
        }
    }

    /// Up to `left` bytes of a body, as a slice of what was read; nil when none has come.
    private static func slice(upTo left: Int, of buffer: inout ByteBuffer) -> ByteBuffer? {
        guard buffer.readableBytes > 0 else { return nil }
        return buffer.readSlice(length: min(left, buffer.readableBytes))!
    }

    /// `1a3;name=value` and its line end: the chunk's size, nil until the line arrived.
    private func readChunkLine(_ buffer: inout ByteBuffer) throws(ReplicaAnswerError) -> Int? {
        guard let lineFeed = buffer.readableBytesView.firstIndex(of: .lineFeed) else {
            guard buffer.readableBytes <= Self.chunkLineLimit else { throw .malformedChunk }
            return nil
        }
        let length = lineFeed - buffer.readerIndex
        let size = try buffer.withUnsafeReadableBytes { bytes throws(ReplicaAnswerError) in
            try Self.chunkSize(UnsafeRawBufferPointer(rebasing: bytes[..<length]))
        }
        buffer.moveReaderIndex(forwardBy: length + 1)
        return size
    }

    /// The size in a chunk line without its LF (RFC 9112 §7.1): hex digits, then optional
    /// extensions, which are checked and dropped.
    private static func chunkSize(_ line: UnsafeRawBufferPointer) throws(ReplicaAnswerError) -> Int {
        var text = line[...]
        if text.last == .carriageReturn { text = text.dropLast() }
        var size = 0
        var digits = 0
        while let byte = text.first, let value = byte.hexValue {
            // Fifteen hex digits cannot overflow an Int.
            guard digits < 15 else { throw .malformedChunk }
            size = size << 4 | value
            digits += 1
            text = text.dropFirst()
        }
        guard digits > 0 else { throw .malformedChunk }
        while let byte = text.first, byte.isWhitespace { text = text.dropFirst() }
        if let byte = text.first {
            guard byte == UInt8(ascii: ";") else { throw .malformedChunk }
            for byte in text where !byte.isFieldValueCharacter { throw .malformedChunk }
        }
        return size
    }

    /// The CRLF (or LF) after a chunk's data: true when it is there, false when something else
    /// is, nil until it arrived.
    private func readLineEnd(_ buffer: inout ByteBuffer) -> Bool? {
        let view = buffer.readableBytesView
        guard let first = view.first else { return nil }
        if first == .lineFeed {
            buffer.moveReaderIndex(forwardBy: 1)
            return true
        }
        guard first == .carriageReturn else { return false }
        guard view.count >= 2 else { return nil }
        guard view[view.startIndex + 1] == .lineFeed else { return false }
        buffer.moveReaderIndex(forwardBy: 2)
        return true
    }

    /// The trailers after the last chunk: `.some(nil)` when there were none, nil until their empty
    /// line arrived.
    private mutating func readTrailers(_ buffer: inout ByteBuffer) throws(ReplicaAnswerError) -> HTTPHeaders?? {
        guard let end = try blockEnd(buffer) else { return nil }
        let fields = try buffer.withUnsafeReadableBytes { bytes throws(ReplicaAnswerError) in
            let block = UnsafeRawBufferPointer(rebasing: bytes[..<end])
            var lines = HeaderBlock.Lines(bytes: block)
            var fields: [(String, String)] = []
            while let line = lines.next() {
                fields.append(HeaderBlock.strings(block, try HeaderBlock.field(block, line)))
            }
            return fields
        }
        buffer.moveReaderIndex(forwardBy: end)
        return .some(fields.isEmpty ? nil : HTTPHeaders(fields))
    }
}

extension UInt8 {
    /// The value of a hex digit, nil for any other byte.
    var hexValue: Int? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(self - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(self - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(self - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
