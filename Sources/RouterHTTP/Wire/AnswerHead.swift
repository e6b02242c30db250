import NIOHTTP1

/// How an answer's body is delimited, read from its head (RFC 9112 §6.3).
enum AnswerFraming: Equatable {
    case none
    case length(Int)
    case chunked
    /// Until the replica closes the connection.
    case untilClose
}

/// An answer's status line and headers, parsed from the bytes of its head.
struct AnswerHead {
    var version: HTTPVersion
    var status: HTTPResponseStatus
    /// Where each header lies in the head's bytes.
    var fields: [ReplicaHead.Field]
    var hasContentLength: Bool
    var framing: AnswerFraming
    /// Whether the replica keeps the connection open after this answer. Found here, while the
    /// names are raw bytes: `HTTPResponseHead.isKeepAlive` on headers NIO did not parse lowercases
    /// and compares them all again, about 8 000 instructions per answer.
    var keepAlive: Bool

    /// The head in `bytes` (status line to empty line). `bodiless`: the request was HEAD or
    /// CONNECT, whose answer has no body whatever its headers say.
    static func parse(_ bytes: UnsafeRawBufferPointer, bodiless: Bool) throws(ReplicaAnswerError) -> AnswerHead {
        var lines = HeaderBlock.Lines(bytes: bytes)
        guard let statusLine = lines.next() else { throw .malformedStatusLine }
        let (version, status) = try self.statusLine(bytes, statusLine)
        var fields: [ReplicaHead.Field] = []
        fields.reserveCapacity(16)
        var length: Int?
        var encoded = false
        var chunked = false
        var connection = ConnectionTokens()
        while let line = lines.next() {
            let field = try HeaderBlock.field(bytes, line)
            let name = UnsafeRawBufferPointer(rebasing: bytes[field.name])
            let value = UnsafeRawBufferPointer(rebasing: bytes[field.value])
            switch name.count {
            case 14 where name.equalsLowercase("content-length"):
                let number = try contentLength(value)
                guard length == nil || length == number else { throw .badContentLength }
                length = number
            case 17 where name.equalsLowercase("transfer-encoding"):
                encoded = true
                chunked = try lastCodingIsChunked(value, after: chunked)
            case 10 where name.equalsLowercase("connection"):
                connection.read(value)
            default:
                break
            }
            fields.append(ReplicaHead.Field(name: field.name, value: field.value))
        }
        if encoded, length != nil { throw .conflictingFraming }
        // As llhttp decided it for NIO: HTTP/1.1 unless told to close, HTTP/1.0 only when told to
        // keep alive, and never when the headers leave the body running until the close.
        let toldToKeep = version.minor >= 1 ? !connection.close : connection.keepAlive
        let framed: AnswerFraming
        if status == 204 || status == 304 || status < 200 {
            framed = .none
        } else if chunked {
            framed = .chunked
        } else if encoded {
            framed = .untilClose
        } else if let length {
            framed = length == 0 ? .none : .length(length)
        } else {
            framed = .untilClose
        }
        // An answer to HEAD ends at its head; one whose headers would have run it until the close
        // still closes the connection after it, as with NIO, in case a body follows after all.
        return AnswerHead(version: version, status: HTTPResponseStatus(statusCode: status), fields: fields,
                          hasContentLength: length != nil, framing: bodiless ? .none : framed,
                          keepAlive: toldToKeep && framed != .untilClose)
    }

    /// The `close` and `keep-alive` tokens of `Connection` headers.
    private struct ConnectionTokens {
        var close = false
        var keepAlive = false

        mutating func read(_ value: UnsafeRawBufferPointer) {
            value.forEachToken { token in
                if token.equalsLowercase("close") { close = true }
                if token.equalsLowercase("keep-alive") { keepAlive = true }
            }
        }
    }

    /// `HTTP/1.1 200 OK`: the version and the code. The reason phrase is checked and dropped, as
    /// NIO's decoder did: the router writes the standard one.
    private static func statusLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) throws(ReplicaAnswerError) -> (HTTPVersion, Int) {
        let text = UnsafeRawBufferPointer(rebasing: bytes[line])
        guard text.count >= 12, text.starts(with: "HTTP/".utf8),
              text[5].isDigit, text[6] == UInt8(ascii: "."), text[7].isDigit, text[8] == .space,
              text[9].isDigit, text[10].isDigit, text[11].isDigit,
              text.count == 12 || text[12] == .space
        else { throw .malformedStatusLine }
        guard text[5] == UInt8(ascii: "1") else { throw .unsupportedVersion }
        for byte in text.dropFirst(13) where !byte.isFieldValueCharacter { throw .malformedStatusLine }
        let code = Int(text[9].digitValue) * 100 + Int(text[10].digitValue) * 10 + Int(text[11].digitValue)
        guard code >= 100 else { throw .malformedStatusLine }
        return (HTTPVersion(major: 1, minor: Int(text[7].digitValue)), code)
    }

    /// One `Content-Length` value: decimal digits, at most 18 so it cannot overflow.
    private static func contentLength(_ value: UnsafeRawBufferPointer) throws(ReplicaAnswerError) -> Int {
        let digits = value[...].trimmingWhitespace
        guard !digits.isEmpty, digits.count <= 18 else { throw .badContentLength }
        var number = 0
        for byte in digits {
            guard byte.isDigit else { throw .badContentLength }
            number = number * 10 + Int(byte.digitValue)
        }
        return number
    }

    /// Whether `chunked` is the last of the codings listed so far; `after`: it was the last of
    /// the earlier `Transfer-Encoding` lines. A coding after `chunked` is refused (RFC 9112 §6.1).
    private static func lastCodingIsChunked(_ value: UnsafeRawBufferPointer, after: Bool) throws(ReplicaAnswerError) -> Bool {
        var last = after
        var chunkedBeforeAnother = false
        value.forEachToken { coding in
            if last { chunkedBeforeAnother = true }
            last = coding.equalsLowercase("chunked")
        }
        if chunkedBeforeAnother { throw .chunkedNotLast }
        return last
    }
}

extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var digitValue: UInt8 { self &- UInt8(ascii: "0") }
}
