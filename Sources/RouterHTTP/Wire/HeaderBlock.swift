import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of header lines read from raw bytes: a message's head, or the trailers after its
/// chunked body. Lines end in CRLF or a bare LF (RFC 9112 §2.2 lets a recipient accept either);
/// the block ends at its first empty line.
enum HeaderBlock {
    /// The most a head or a block of trailers may take, as NIO's decoder allowed (80 KiB).
    static let limit = 80 * 1024

    /// Where a block ends, or where to look again once more bytes came.
    enum Search: Equatable {
        /// The offset just past the block's empty line.
        case ends(at: Int)
        /// No empty line yet: the start of the last, unfinished line, which the next search
        /// starts from so a head that arrives in pieces is scanned once.
        case unfinished(resumeAt: Int)
    }

    /// Finds the end of the block that starts at offset 0, looking from `from` (a line start).
    static func search(_ bytes: UnsafeRawBufferPointer, from: Int) -> Search {
        var lineStart = from
        while let index = lineFeed(in: bytes, from: lineStart) {
            let length = index - lineStart
            if length == 0 || (length == 1 && bytes[lineStart] == .carriageReturn) {
                return .ends(at: index + 1)
            }
            lineStart = index + 1
        }
        return .unfinished(resumeAt: lineStart)
    }

    /// Where the block at the start of a connection's unread bytes ends, found as its bytes come:
    /// a head that arrives in pieces is scanned once, and one past `limit` is refused.
    struct Scanner {
        /// How far into an unfinished block the search got.
        private(set) var scanned = 0

        /// The block's length once its empty line arrived; nil until then.
        mutating func end(of buffer: ByteBuffer) throws(WireError) -> Int? {
            switch buffer.withUnsafeReadableBytes({ HeaderBlock.search($0, from: scanned) }) {
            case .ends(let end):
                scanned = 0
                guard end <= HeaderBlock.limit else { throw .headTooLarge }
                return end
            case .unfinished(let resumeAt):
                guard buffer.readableBytes <= HeaderBlock.limit else { throw .headTooLarge }
                scanned = resumeAt
                return nil
            }
        }
    }

    /// Skips the empty lines a message may follow (RFC 9112 §2.2: some peers end a body with an
    /// extra CRLF); true when bytes are left.
    static func skipEmptyLines(_ buffer: inout ByteBuffer) -> Bool {
        while let byte = buffer.readableBytesView.first, byte == .carriageReturn || byte == .lineFeed {
            buffer.moveReaderIndex(forwardBy: 1)
        }
        return buffer.readableBytes > 0
    }

    /// The offset of the first LF at or after `from`. `memchr` looks at many bytes at a time: a
    /// loop over each byte cost about five instructions a byte, twice per head.
    static func lineFeed(in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard from < bytes.count, let base = bytes.baseAddress,
              let found = memchr(base + from, Int32(UInt8.lineFeed), bytes.count - from)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// The lines of a block (start line included), without their line ends, up to its empty line.
    /// A carriage return left inside a line is refused by the checks of its contents: a bare CR
    /// is how a header is smuggled past a parser that splits lines differently.
    struct Lines: IteratorProtocol {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        mutating func next() -> Range<Int>? {
            guard let index = HeaderBlock.lineFeed(in: bytes, from: position) else { return nil }
            var end = index
            if end > position, bytes[end - 1] == .carriageReturn { end -= 1 }
            let line = position..<end
            position = index + 1
            return line.isEmpty ? nil : line
        }
    }

    /// One header line's name and value, checked against RFC 9110's grammar: a token, a colon,
    /// then visible characters, spaces and tabs. The value keeps any whitespace at its end, as
    /// NIO's decoder kept it, so a header passes on as the replica wrote it; what reads a value
    /// for its meaning trims it.
    static func field(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) throws(WireError) -> (name: Range<Int>, value: Range<Int>) {
        let first = bytes[line.lowerBound]
        // Obsolete line folding (RFC 9112 §5.2): refused rather than joined.
        guard first != .space, first != .tab else { throw .foldedHeader }
        // The name runs to the first byte that is not a token character, which must be the colon
        // (itself not one): one test a byte.
        var colon = line.lowerBound
        while colon < line.upperBound, bytes[colon].isTokenCharacter { colon &+= 1 }
        guard colon < line.upperBound, colon > line.lowerBound, bytes[colon] == .colon else { throw .malformedHeader }
        var start = colon + 1
        while start < line.upperBound, bytes[start].isWhitespace { start += 1 }
        guard isFieldValue(bytes, start..<line.upperBound) else { throw .malformedHeader }
        return (line.lowerBound..<colon, start..<line.upperBound)
    }

    /// Whether every byte in `range` may stand in a field value (`isFieldValueCharacter`).
    ///
    /// Eight bytes at a time: values are most of a head's bytes, and checking each byte with its
    /// bounds check cost about six instructions a byte. A word holding a control byte, DEL or a
    /// tab is checked again byte by byte, which tells a tab (allowed) from the rest.
    static func isFieldValue(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "field value out of its block")
        guard let base = bytes.baseAddress else { return true }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var index = range.lowerBound
        while index + 8 <= range.upperBound {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // Nonzero when some byte is below 0x20 (bytes from 0x80 up clear their own high bit
            // through `~word`), and when some byte is 0x7F (it becomes 0 after the exclusive or).
            let belowSpace = (word &- ones &* 0x20) & ~word & highBits
            let delete = word ^ (ones &* 0x7F)
            let isDelete = (delete &- ones) & ~delete & highBits
            if belowSpace | isDelete != 0,
               !(index..<index + 8).allSatisfy({ bytes[$0].isFieldValueCharacter }) {
                return false
            }
            index += 8
        }
        return (index..<range.upperBound).allSatisfy { bytes[$0].isFieldValueCharacter }
    }

    /// The header lines `lines` has left, as NIO's strings.
    static func strings(of lines: inout Lines) throws(WireError) -> [(String, String)] {
        var fields: [(String, String)] = []
        while let line = lines.next() { fields.append(strings(lines.bytes, try field(lines.bytes, line))) }
        return fields
    }

    /// A header line's name and value as NIO's strings.
    static func strings(_ bytes: UnsafeRawBufferPointer, _ field: (name: Range<Int>, value: Range<Int>)) -> (String, String) {
        (String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field.name]), as: UTF8.self),
         String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field.value]), as: UTF8.self))
    }
}

extension UInt8 {
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")

    var isWhitespace: Bool { self == .space || self == .tab }

    /// RFC 9110 §5.6.2 `tchar`: letters, digits and ``!#$%&'*+-.^_`|~``.
    var isTokenCharacter: Bool {
        // Bit n of the masks: byte n (0–63) and byte 64 + n (64–127). Masked shifts and a select
        // instead of branches: names are checked a byte at a time.
        let low: UInt64 = 0x03FF_6CFA_0000_0000
        let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE
        let mask = self < 64 ? low : high
        return self < 128 && mask & (1 &<< UInt64(self & 63)) != 0
    }

    /// RFC 9110 §5.5 field content: visible characters, space, tab and obs-text (bytes 128–255).
    var isFieldValueCharacter: Bool { self == .tab || (self >= 0x20 && self != 0x7F) }
}
