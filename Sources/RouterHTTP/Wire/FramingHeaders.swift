import NIOHTTP1

/// The headers that frame a message's body and decide whether its connection stays open, read
/// from the raw bytes of its head line by line: `Content-Length`, `Transfer-Encoding`,
/// `Connection`, `Upgrade` and `Expect`. Found while the names are raw bytes: NIO's `isKeepAlive` on headers
/// it did not parse lowercases and compares them all again, about 8 000 instructions per message.
struct FramingHeaders {
    /// The body's length, when a `Content-Length` gave it.
    private(set) var length: Int?
    /// True when a `Transfer-Encoding` came.
    private(set) var encoded = false
    /// True when `chunked` is the last transfer coding.
    private(set) var chunked = false
    /// The `close`, `keep-alive` and `upgrade` tokens of `Connection`.
    private(set) var close = false
    private(set) var keepAlive = false
    private(set) var connectionUpgrade = false
    /// True when an `Upgrade` header came.
    private(set) var upgrade = false
    /// True when an `Expect` header asked for `100-continue` (requests only).
    private(set) var expectsContinue = false

    /// Takes one header line; any other header is left alone.
    mutating func read(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws(WireError) {
        switch name.count {
        case 14 where name.equalsLowercase("content-length"):
            let number = try Self.contentLength(value)
            guard length == nil || length == number else { throw .badContentLength }
            length = number
        case 17 where name.equalsLowercase("transfer-encoding"):
            encoded = true
            chunked = try Self.lastCodingIsChunked(value, after: chunked)
        case 10 where name.equalsLowercase("connection"):
            value.forEachToken { token in
                if token.equalsLowercase("close") { close = true }
                if token.equalsLowercase("keep-alive") { keepAlive = true }
                if token.equalsLowercase("upgrade") { connectionUpgrade = true }
            }
        case 7 where name.equalsLowercase("upgrade"):
            upgrade = true
        case 6 where name.equalsLowercase("expect"):
            if UnsafeRawBufferPointer(rebasing: value[...].trimmingWhitespace).equalsLowercase("100-continue") {
                expectsContinue = true
            }
        default:
            break
        }
    }

    /// Both a length and a coding: refused, the sign of a smuggling attempt (RFC 9112 §6.3).
    func checkNotConflicting() throws(WireError) {
        if encoded, length != nil { throw .conflictingFraming }
    }

    /// Whether the peer keeps the connection open after this message, as llhttp decided it for
    /// NIO: HTTP/1.1 unless told to close, HTTP/1.0 only when told to keep alive.
    func toldToKeep(_ version: HTTPVersion) -> Bool {
        version.minor >= 1 ? !close : keepAlive
    }

    /// One `Content-Length` value: decimal digits, at most 18 so it cannot overflow.
    private static func contentLength(_ value: UnsafeRawBufferPointer) throws(WireError) -> Int {
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
    private static func lastCodingIsChunked(_ value: UnsafeRawBufferPointer, after: Bool) throws(WireError) -> Bool {
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
