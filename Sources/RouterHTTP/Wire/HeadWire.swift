import NIOCore
import NIOHTTP1

/// Message heads as bytes on a connection: answers to clients, requests to replicas.
///
/// The router writes bytes itself instead of passing parts through NIO's encoders: that saves a
/// pipeline hop and a boxed part for every head, body and end it writes, and it frames every
/// chunked body itself anyway (`ChunkedFraming`).
enum HeadWire {
    /// An answer's status line and headers.
    static func response(_ head: HTTPResponseHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        let reason = head.status.reasonPhrase
        let code = Int(head.status.code)
        // "HTTP/1.1 200 ", the reason and CRLF
        return write(head.headers, startLineBytes: 15 + reason.utf8.count, allocator: allocator) { out in
            out.put("HTTP/")
            out.put(digit: head.version.major)
            out.put(UInt8(ascii: "."))
            out.put(digit: head.version.minor)
            out.put(UInt8(ascii: " "))
            out.put(digit: code / 100 % 10)
            out.put(digit: code / 10 % 10)
            out.put(digit: code % 10)
            out.put(UInt8(ascii: " "))
            out.put(reason)
            out.put("\r\n")
        }
    }

    /// A request's line and headers.
    static func request(_ head: HTTPRequestHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        let method = head.method.rawValue
        // " ", " HTTP/1.1" and CRLF
        let startLineBytes = method.utf8.count + head.uri.utf8.count + 12
        return write(head.headers, startLineBytes: startLineBytes, allocator: allocator) { out in
            out.put(method)
            out.put(UInt8(ascii: " "))
            out.put(head.uri)
            out.put(" HTTP/")
            out.put(digit: head.version.major)
            out.put(UInt8(ascii: "."))
            out.put(digit: head.version.minor)
            out.put("\r\n")
        }
    }

    /// A start line, the headers and the empty line after them, in one buffer sized up front.
    private static func write(_ headers: HTTPHeaders, startLineBytes: Int, allocator: ByteBufferAllocator,
                              startLine: (inout RawWriter) -> Void) -> ByteBuffer {
        var size = startLineBytes + 2
        for (name, value) in headers { size += name.utf8.count + value.utf8.count + 4 }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { memory in
            var out = RawWriter(memory: memory)
            startLine(&out)
            for (name, value) in headers {
                out.put(name)
                out.put(": ")
                out.put(value)
                out.put("\r\n")
            }
            out.put("\r\n")
            return out.written
        }
        return buffer
    }
}
