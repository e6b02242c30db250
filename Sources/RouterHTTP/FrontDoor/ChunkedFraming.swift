import NIOCore
import NIOHTTP1

/// Chunked framing written by hand, for messages whose transfer codings NIO's encoders do not know
/// (`gzip, chunked`): NIO frames only a message whose `Transfer-Encoding` is exactly `chunked`, and
/// would otherwise replace the codings and lose `gzip`.
enum ChunkedFraming {
    /// The transfer codings to pass on when they are more than plain `chunked`, or nil.
    static func extraCodings(in headers: HTTPHeaders) -> String? {
        // Split on commas and trimmed by NIO.
        let codings = headers[canonicalForm: "transfer-encoding"]
        guard codings.count > 1, codings.last?.lowercased() == "chunked" else { return nil }
        return codings.joined(separator: ", ")
    }

    /// One body part as a chunk: its size in hex, the bytes, CRLF.
    static func chunk(_ body: ByteBuffer, allocator: ByteBufferAllocator) -> (ByteBuffer, ByteBuffer, ByteBuffer) {
        (allocator.buffer(string: String(body.readableBytes, radix: 16) + "\r\n"), body, allocator.buffer(string: "\r\n"))
    }

    /// The last chunk, with trailers.
    static func lastChunk(trailers: HTTPHeaders?, allocator: ByteBufferAllocator) -> ByteBuffer {
        var text = "0\r\n"
        for (name, value) in trailers ?? [:] { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        return allocator.buffer(string: text)
    }
}
