import NIOCore
import NIOHTTP1

/// How a message's body is delimited, read from its head (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    case none
    case length(Int)
    case chunked
    /// Until the peer closes the connection (answers only).
    case untilClose
}

/// Reads the body of one HTTP/1 message from the bytes of its connection, as its head framed it,
/// one part at a time. Parts are slices of the bytes read, passed on as they come, so a large
/// body streams. Shared by replicas' answers (`AnswerReader`) and clients' requests
/// (`RequestReader`).
struct BodyReader {
    /// A part of a body, as the connection takes it.
    enum Part {
        case body(ByteBuffer)
        /// The message ended, with the trailers after a chunked body.
        case end(HTTPHeaders?)
    }

    /// The most a chunk's size line (with its extensions) may take.
    static let chunkLineLimit = 4 * 1024

    private enum Phase: Equatable {
        /// Between messages: the next bytes are a head.
        case idle
        case body(left: Int)
        case untilClose
        case chunkLine
        case chunkData(left: Int)
        case chunkDataEnd
        case trailers
        /// The message ended with its head: its end is the next part.
        case ending
    }

    private var phase = Phase.idle
    private var trailerScanner = HeaderBlock.Scanner()

    /// True while a message's body (or its end) is still to be read.
    var inMessage: Bool { phase != .idle }

    /// A head framed its body so: read it next.
    mutating func start(_ framing: BodyFraming) {
        switch framing {
        case .none: phase = .ending
        case .length(let length): phase = length == 0 ? .ending : .body(left: length)
        case .chunked: phase = .chunkLine
        case .untilClose: phase = .untilClose
        }
    }

    /// The next part of the body in `buffer`, consuming its bytes; nil when more bytes are needed.
    /// Only while `inMessage`.
    mutating func next(_ buffer: inout ByteBuffer) throws(WireError) -> Part? {
        while true {
            switch phase {
            case .idle:
                preconditionFailure("body reader: no message is being read")
            case .ending:
                phase = .idle
                return .end(nil)
            case .body(let left):
                guard let part = Self.slice(upTo: left, of: &buffer) else { return nil }
                phase = part.readableBytes == left ? .ending : .body(left: left - part.readableBytes)
                return .body(part)
            case .untilClose:
                guard buffer.readableBytes > 0 else { return nil }
                return .body(buffer.readSlice(length: buffer.readableBytes)!)
            case .chunkLine:
                guard let size = try Self.readChunkLine(&buffer) else { return nil }
                phase = size == 0 ? .trailers : .chunkData(left: size)
            case .chunkData(let left):
                guard let part = Self.slice(upTo: left, of: &buffer) else { return nil }
                phase = part.readableBytes == left ? .chunkDataEnd : .chunkData(left: left - part.readableBytes)
                return .body(part)
            case .chunkDataEnd:
                guard let ended = Self.readLineEnd(&buffer) else { return nil }
                guard ended else { throw .malformedChunk }
                phase = .chunkLine
            case .trailers:
                guard let trailers = try readTrailers(&buffer) else { return nil }
                phase = .idle
                return .end(trailers)
            }
        }
    }

    /// The connection closed: the end of a body that runs until then, nil when between messages.
    /// Throws when the close cut a body short.
    mutating func closed() throws(WireError) -> Part? {
        switch phase {
        case .idle:
            return nil
        case .untilClose:
            phase = .idle
            return .end(nil)
        default:
            throw .truncated
        }
    }

    /// Up to `left` bytes of a body, as a slice of what was read; nil when none has come.
    private static func slice(upTo left: Int, of buffer: inout ByteBuffer) -> ByteBuffer? {
        guard buffer.readableBytes > 0 else { return nil }
        return buffer.readSlice(length: min(left, buffer.readableBytes))!
    }

    /// `1a3;name=value` and its line end: the chunk's size, nil until the line arrived.
    private static func readChunkLine(_ buffer: inout ByteBuffer) throws(WireError) -> Int? {
        guard let lineFeed = buffer.readableBytesView.firstIndex(of: .lineFeed) else {
            guard buffer.readableBytes <= chunkLineLimit else { throw .malformedChunk }
            return nil
        }
        let length = lineFeed - buffer.readerIndex
        let size = try buffer.withUnsafeReadableBytes { bytes throws(WireError) in
            try chunkSize(UnsafeRawBufferPointer(rebasing: bytes[..<length]))
        }
        buffer.moveReaderIndex(forwardBy: length + 1)
        return size
    }

    /// The size in a chunk line without its LF (RFC 9112 §7.1): hex digits, then optional
    /// extensions, which are checked and dropped.
    private static func chunkSize(_ line: UnsafeRawBufferPointer) throws(WireError) -> Int {
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
    private static func readLineEnd(_ buffer: inout ByteBuffer) -> Bool? {
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
    private mutating func readTrailers(_ buffer: inout ByteBuffer) throws(WireError) -> HTTPHeaders?? {
        guard let end = try trailerScanner.end(of: buffer) else { return nil }
        let fields = try buffer.withUnsafeReadableBytes { bytes throws(WireError) in
            var lines = HeaderBlock.Lines(bytes: UnsafeRawBufferPointer(rebasing: bytes[..<end]))
            return try HeaderBlock.strings(of: &lines)
        }
        buffer.moveReaderIndex(forwardBy: end)
        return .some(fields.isEmpty ? nil : HTTPHeaders(fields))
    }
}

extension HTTPMethod {
    /// Whether the answer never carries a body whatever its head says: HEAD and CONNECT (RFC 9110
    /// §9.3.2, §9.3.6). Matched by case: NIO's `==` on methods compares their names as strings.
    var answerHasNoBody: Bool {
        switch self {
        case .HEAD, .CONNECT: true
        default: false
        }
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
