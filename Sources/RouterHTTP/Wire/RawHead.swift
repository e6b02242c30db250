import NIOCore
import NIOHTTP1

/// Where one header's name and value lie in a head's bytes (from its reader index). The value
/// starts after the whitespace that follows the colon and keeps any at its end.
struct HeadField {
    var name: Range<Int>
    var value: Range<Int>
}

/// A message head as it came: its bytes, and where each header's name and value lie.
///
/// Read and passed on without a `String` made of any header: NIO's `HTTPHeaders`, built for every
/// message and freed again, cost thousands of instructions a message. Header bytes pass on
/// unchanged, bytes that are not UTF-8 included.
protocol RawHead {
    /// The head's bytes, start line to empty line: a slice of what was read.
    var bytes: ByteBuffer { get }
    var fields: [HeadField] { get }
}

extension RawHead {
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

    /// The headers as NIO's `HTTPHeaders`, for what needs them whole (tests).
    var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        forEachField { _, name, value in
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        return headers
    }
}
