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
        // "HTTP/1.1 200 ", the reason and CRLF
        return write(head.headers, startLineBytes: 15 + reason.utf8.count, allocator: allocator) {
            $0.putStatusLine(version: head.version, code: Int(head.status.code), reason: reason)
        }
    }

    /// A replica's answer head passed on: the status line for `version`, the replica's headers as
    /// it wrote them less those `omitting` names, then `adding`.
    static func response(version: HTTPVersion, head: ReplicaHead, omitting: (UnsafeRawBufferPointer) -> Bool,
                         adding: AddedHeaders, reusing spare: consuming ByteBuffer?,
                         allocator: ByteBufferAllocator) -> ByteBuffer {
        let reason = head.status.reasonPhrase
        // "HTTP/1.1 200 ", the reason and CRLF
        return passOn(head, omitting: omitting, adding: adding, startLineBytes: 15 + reason.utf8.count,
                      reusing: spare, allocator: allocator) {
            $0.putStatusLine(version: version, code: Int(head.status.code), reason: reason)
        }
    }

    /// A client's request head passed on: the request line for `method`, `target` and `version`,
    /// the client's headers as it wrote them less those `omitting` names, then `adding`.
    static func request(version: HTTPVersion, method: HTTPMethod, target: String, head: ClientHead,
                        omitting: (UnsafeRawBufferPointer) -> Bool, adding: AddedHeaders,
                        reusing spare: consuming ByteBuffer?, allocator: ByteBufferAllocator) -> ByteBuffer {
        let method = method.rawValue
        return passOn(head, omitting: omitting, adding: adding,
                      startLineBytes: requestLineBytes(method: method, target: target),
                      reusing: spare, allocator: allocator) {
            $0.putRequestLine(method: method, target: target, version: version)
        }
    }

    /// A request's line and headers, written from NIO's head (the router's own probes).
    static func request(_ head: HTTPRequestHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        let method = head.method.rawValue
        return write(head.headers, startLineBytes: requestLineBytes(method: method, target: head.uri),
                     allocator: allocator) {
            $0.putRequestLine(method: method, target: head.uri, version: head.version)
        }
    }

    /// `GET /path HTTP/1.1` and CRLF: the method, the target, " ", " HTTP/1.1" and CRLF.
    private static func requestLineBytes(method: String, target: String) -> Int {
        method.utf8.count + target.utf8.count + 12
    }

    /// A start line, then a head's headers as they came less those `omitting` names, then
    /// `adding`, and the empty line, in one buffer sized up front (`spare` emptied, when there is
    /// one). Inlined, so that each writer's start line is written in place rather than through a
    /// closure called indirectly (about 300 instructions a head).
    @inline(__always)
    private static func passOn(_ head: some RawHead, omitting: (UnsafeRawBufferPointer) -> Bool,
                               adding: AddedHeaders, startLineBytes: Int, reusing spare: consuming ByteBuffer?,
                               allocator: ByteBufferAllocator, startLine: (inout RawWriter) -> Void) -> ByteBuffer {
        // Which of the first 64 headers are omitted is kept for the second pass; past them (rare),
        // `omitting` is asked again.
        var omitted: UInt64 = 0
        // The start line and the empty line
        var size = startLineBytes + 2
        head.forEachField { index, name, value in
            if omitting(name) {
                if index < 64 { omitted |= 1 << index }
            } else {
                size += name.count + value.count + 4
            }
        }
        size += adding.lineBytes
        var buffer = SpareHeadBuffer.emptied(spare, size: size, allocator: allocator)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { memory in
            var out = RawWriter(memory: memory)
            startLine(&out)
            head.bytes.withUnsafeReadableBytes { all in
                // Lines already written as `name: value` CRLF are copied as they came, and lines
                // kept next to each other in one copy: a head's kept lines are mostly one run.
                var run = 0..<0
                for (index, field) in head.fields.enumerated() {
                    let name = UnsafeRawBufferPointer(rebasing: all[field.name])
                    guard index < 64 ? omitted & (1 << index) == 0 : !omitting(name) else { continue }
                    let value = UnsafeRawBufferPointer(rebasing: all[field.value])
                    let lineEnd = field.value.upperBound + 2
                    let asWritten = field.value.lowerBound == field.name.upperBound + 2
                        && all[field.name.upperBound + 1] == .space
                        && lineEnd <= all.count && all[field.value.upperBound] == .carriageReturn
                    if asWritten, run.upperBound == field.name.lowerBound, !run.isEmpty {
                        run = run.lowerBound..<lineEnd
                        continue
                    }
                    out.put(UnsafeRawBufferPointer(rebasing: all[run]))
                    if asWritten {
                        run = field.name.lowerBound..<lineEnd
                    } else {
                        run = 0..<0
                        out.put(name)
                        out.putNameSeparator()
                        out.put(value)
                        out.putLineEnd()
                    }
                }
                out.put(UnsafeRawBufferPointer(rebasing: all[run]))
            }
            adding.forEach { name, value in out.put(name, value) }
            out.putLineEnd()
            return out.written
        }
        return buffer
    }

    /// A start line, NIO's headers and the empty line after them, in one buffer sized up front:
    /// the router's own heads. Trailers after a last chunk are written the same way
    /// (`ChunkedFraming`).
    static func write(_ headers: HTTPHeaders, startLineBytes: Int, allocator: ByteBufferAllocator,
                      startLine: (inout RawWriter) -> Void) -> ByteBuffer {
        let size = headers.reduce(startLineBytes + 2) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { memory in
            var out = RawWriter(memory: memory)
            startLine(&out)
            for (name, value) in headers { out.put(name, value) }
            out.putLineEnd()
            return out.written
        }
        return buffer
    }
}
