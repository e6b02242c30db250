import NIOHTTP1

/// An answer's status line and headers, parsed from the bytes of its head.
struct AnswerHead {
    var version: HTTPVersion
    var status: HTTPResponseStatus
    /// Where each header lies in the head's bytes.
    var fields: [HeadField]
    var hasContentLength: Bool
    var framing: BodyFraming
    /// Whether the replica keeps the connection open after this answer (`FramingHeaders`).
    var keepAlive: Bool

    /// The head in `bytes` (status line to empty line). `bodiless`: the request was HEAD or
    /// CONNECT, whose answer has no body whatever its headers say. Its fields go into `spare`,
    /// emptied (the fields of a head passed on before, `AnswerReader`).
    static func parse(_ bytes: UnsafeRawBufferPointer, bodiless: Bool,
                      reusing spare: consuming [HeadField]) throws(WireError) -> AnswerHead {
        var lines = HeaderBlock.Lines(bytes: bytes)
        guard let statusLine = lines.next() else { throw .malformedStatusLine }
        let (version, status) = try self.statusLine(bytes, statusLine)
        var fields = consume spare
        // Emptied in place: `removeAll(keepingCapacity:)` takes a generic path.
        while fields.popLast() != nil {}
        fields.reserveCapacity(16)
        var framing = FramingHeaders()
        while let line = lines.next() {
            let field = try HeaderBlock.field(bytes, line)
            try framing.read(name: UnsafeRawBufferPointer(rebasing: bytes[field.name]),
                             value: UnsafeRawBufferPointer(rebasing: bytes[field.value]))
            fields.append(HeadField(name: field.name, value: field.value))
        }
        try framing.checkNotConflicting()
        let framed: BodyFraming
        if status == 204 || status == 304 || status < 200 {
            framed = .none
        } else if framing.chunked {
            framed = .chunked
        } else if framing.encoded {
            framed = .untilClose
        } else if let length = framing.length {
            framed = length == 0 ? .none : .length(length)
        } else {
            framed = .untilClose
        }
        // An answer to HEAD ends at its head; one whose headers would have run it until the close
        // still closes the connection after it, as with NIO, in case a body follows after all. A
        // connection is never kept when the headers leave the body running until the close.
        return AnswerHead(version: version, status: HTTPResponseStatus(statusCode: status), fields: fields,
                          hasContentLength: framing.length != nil, framing: bodiless ? .none : framed,
                          keepAlive: framing.toldToKeep(version) && framed != .untilClose)
    }

    /// `HTTP/1.1 200 OK`: the version and the code. The reason phrase is checked and dropped, as
    /// NIO's decoder did: the router writes the standard one.
    private static func statusLine(_ bytes: UnsafeRawBufferPointer, _ line: Range<Int>) throws(WireError) -> (HTTPVersion, Int) {
        let text = UnsafeRawBufferPointer(rebasing: bytes[line])
        guard text.count >= 12, text.hasPrefix("HTTP/"),
              text[5].isDigit, text[6] == UInt8(ascii: "."), text[7].isDigit, text[8] == .space,
              text[9].isDigit, text[10].isDigit, text[11].isDigit,
              text.count == 12 || text[12] == .space
        else { throw .malformedStatusLine }
        guard text[5] == UInt8(ascii: "1") else { throw .unsupportedVersion }
        guard text.count <= 13 || HeaderBlock.isFieldValue(text, 13..<text.count) else { throw .malformedStatusLine }
        let code = Int(text[9].digitValue) * 100 + Int(text[10].digitValue) * 10 + Int(text[11].digitValue)
        guard code >= 100 else { throw .malformedStatusLine }
        return (HTTPVersion(major: 1, minor: Int(text[7].digitValue)), code)
    }
}
