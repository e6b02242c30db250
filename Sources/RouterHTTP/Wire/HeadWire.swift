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
        response(version: head.version, status: head.status, headers: head.headers, omitting: { _ in false },
                 adding: AddedHeaders(), reusing: nil, allocator: allocator)
    }

    /// An answer's status line and its headers less those `omitting` names, then `adding`: a head
    /// passed on without changing a copy of its headers first.
    static func response(version: HTTPVersion, status: HTTPResponseStatus, headers: HTTPHeaders,
                         omitting: (String) -> Bool, adding: AddedHeaders, reusing spare: consuming ByteBuffer?,
                         allocator: ByteBufferAllocator) -> ByteBuffer {
        let reason = status.reasonPhrase
        let code = Int(status.code)
        // "HTTP/1.1 200 ", the reason and CRLF
        return write(headers, omitting: omitting, adding: adding, startLineBytes: 15 + reason.utf8.count,
                     reusing: spare, allocator: allocator) {
            $0.putStatusLine(version: version, code: code, reason: reason)
        }
    }

    /// A replica's answer head passed on: the status line for `version`, the replica's headers as
    /// it wrote them less those `omitting` names, then `adding`.
    static func response(version: HTTPVersion, head: ReplicaHead, omitting: (UnsafeRawBufferPointer) -> Bool,
                         adding: AddedHeaders, reusing spare: consuming ByteBuffer?,
                         allocator: ByteBufferAllocator) -> ByteBuffer {
        let reason = head.status.reasonPhrase
        // Which of the first 64 headers are omitted is kept for the second pass, as in `write`.
        var omitted: UInt64 = 0
        // "HTTP/1.1 200 ", the reason, CRLF, and the empty line
        var size = 15 + reason.utf8.count + 2
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
            out.putStatusLine(version: version, code: Int(head.status.code), reason: reason)
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

    /// A request's line and headers.
    static func request(_ head: HTTPRequestHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        request(version: head.version, method: head.method, target: head.uri, headers: head.headers,
                omitting: { _ in false }, adding: AddedHeaders(), reusing: nil, allocator: allocator)
    }

    /// A request's line and its headers less those `omitting` names, then `adding`.
    static func request(version: HTTPVersion, method: HTTPMethod, target: String, headers: HTTPHeaders,
                        omitting: (String) -> Bool, adding: AddedHeaders, reusing spare: consuming ByteBuffer?,
                        allocator: ByteBufferAllocator) -> ByteBuffer {
        let method = method.rawValue
        // " ", " HTTP/1.1" and CRLF
        let startLineBytes = method.utf8.count + target.utf8.count + 12
        return write(headers, omitting: omitting, adding: adding, startLineBytes: startLineBytes,
                     reusing: spare, allocator: allocator) { out in
            out.put(method)
            out.put(UInt8(ascii: " "))
            out.put(target)
            out.put(UInt8(ascii: " "))
            out.put(version: version)
            out.putLineEnd()
        }
    }

    /// A start line, the headers kept and added, and the empty line after them, in one buffer
    /// sized up front (`spare` emptied, when there is one). Trailers after a last chunk are written
    /// the same way (`ChunkedFraming`).
    static func write(_ headers: HTTPHeaders, omitting: (String) -> Bool, adding: AddedHeaders,
                      startLineBytes: Int, reusing spare: consuming ByteBuffer?, allocator: ByteBufferAllocator,
                      startLine: (inout RawWriter) -> Void) -> ByteBuffer {
        // Which of the first 64 headers are omitted is kept for the second pass; past them (rare),
        // `omitting` is asked again.
        var omitted: UInt64 = 0
        var size = startLineBytes + 2
        for (index, (name, value)) in headers.enumerated() {
            if omitting(name) {
                if index < 64 { omitted |= 1 << index }
            } else {
                size += name.utf8.count + value.utf8.count + 4
            }
        }
        size += adding.lineBytes
        var buffer = SpareHeadBuffer.emptied(spare, size: size, allocator: allocator)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { memory in
            var out = RawWriter(memory: memory)
            startLine(&out)
            for (index, (name, value)) in headers.enumerated()
            where index < 64 ? omitted & (1 << index) == 0 : !omitting(name) {
                out.put(name, value)
            }
            adding.forEach { name, value in out.put(name, value) }
            out.putLineEnd()
            return out.written
        }
        return buffer
    }
}
