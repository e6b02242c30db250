import NIOCore
import NIOHTTP1

/// A replica's answer head as it came: its bytes, and where each header's name and value lie.
///
/// Passed on to the client without a `String` made of any header: NIO's `HTTPHeaders`, built for
/// every answer and freed again, cost about 9 000 instructions per answer. Header bytes pass on
/// unchanged, bytes that are not UTF-8 included.
struct ReplicaHead {
    /// Where one header's name and value lie in `bytes` (from its reader index). The value
    /// starts after the whitespace that follows the colon and keeps any at its end.
    struct Field {
        var name: Range<Int>
        var value: Range<Int>
    }

    var version: HTTPVersion
    var status: HTTPResponseStatus
    /// The head's bytes, status line to empty line: a slice of what was read.
    var bytes: ByteBuffer
    var fields: [Field]
    /// Whether a `Content-Length` header is among them (the reader found it while framing).
    var hasContentLength: Bool

    /// Calls `body` with the name and the value of each header, in order, and its index.
    func forEachField(_ body: (Int, UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeReadableBytes { all in
            for (index, field) in fields.enumerated() {
                body(index, UnsafeRawBufferPointer(rebasing: all[field.name]),
                     UnsafeRawBufferPointer(rebasing: all[field.value]))
            }
        }
    }

    /// The index of the first header called `name` (in any letter case).
    func index(of name: String) -> Int? {
        var found: Int?
        forEachField { index, fieldName, _ in
            if found == nil, fieldName.equalsIgnoringCase(name) { found = index }
        }
        return found
    }

    /// The value of the first header called `name` (in any letter case).
    func first(_ name: String) -> String? {
        guard let index = index(of: name) else { return nil }
        return bytes.getString(at: bytes.readerIndex + fields[index].value.lowerBound,
                               length: fields[index].value.count)
    }

    func contains(_ name: String) -> Bool {
        index(of: name) != nil
    }

    /// Leaves out every header called `name`: what the router reads for itself and the client
    /// never sees (never `Content-Length`, which `hasContentLength` reports as read).
    mutating func remove(_ name: String) {
        guard index(of: name) != nil else { return }
        var kept: [Field] = []
        forEachField { index, fieldName, _ in
            if !fieldName.equalsIgnoringCase(name) { kept.append(fields[index]) }
        }
        fields = kept
    }

    /// The headers as NIO's `HTTPHeaders`, for what needs them whole (tests).
    var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        forEachField { _, name, value in
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        return headers
    }
}
