import NIOCore
import NIOHTTP1

/// Chunked framing, written by the router on both sides: it writes bytes, not NIO's message parts.
/// NIO's encoders framed only a message whose `Transfer-Encoding` is exactly `chunked`, and would
/// replace other codings (`gzip, chunked`) and lose `gzip`.
enum ChunkedFraming {
    /// The transfer codings to pass on when they are more than plain `chunked`, or nil.
    static func extraCodings(in head: some RawHead) -> String? {
        var codings: [String] = []
        head.forEachField { _, name, value in
            guard name.equalsLowercase("transfer-encoding") else { return }
            value.forEachToken { codings.append(String(decoding: $0, as: UTF8.self)) }
        }
        return extraCodings(codings)
    }

    /// The codings as listed, when there are more than `chunked` and `chunked` is last.
    static func extraCodings(_ codings: [String]) -> String? {
        guard codings.count > 1, codings.last?.lowercased() == "chunked" else { return nil }
        return codings.joined(separator: ", ")
    }

    /// One body part as a chunk: its size in hex, the bytes, CRLF.
    static func chunk(_ body: ByteBuffer, allocator: ByteBufferAllocator) -> (ByteBuffer, ByteBuffer, ByteBuffer) {
        var line = allocator.buffer(capacity: 24)
        line.writeString(String(body.readableBytes, radix: 16))
        line.writeStaticString("\r\n")
        // The CRLF after the bytes is the end of the size line: one allocation for both.
        let end = line.getSlice(at: line.writerIndex - 2, length: 2)!
        return (line, body, end)
    }

    /// The last chunk, with trailers: written as a head is, with `0` for its start line.
    static func lastChunk(trailers: HTTPHeaders?, allocator: ByteBufferAllocator) -> ByteBuffer {
        HeadWire.write(trailers ?? HTTPHeaders(), startLineBytes: 3, allocator: allocator) { $0.put("0\r\n") }
    }
}
