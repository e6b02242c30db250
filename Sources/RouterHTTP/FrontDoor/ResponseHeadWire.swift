import NIOCore
import NIOHTTP1

/// An answer's status line and headers as bytes on the client's connection.
///
/// The front door writes bytes itself instead of passing parts through NIO's response encoder:
/// that saves a pipeline hop and a boxed part for every head, body and end it writes, and the
/// front door frames every body itself anyway (`ChunkedFraming`).
enum ResponseHeadWire {
    /// The head as bytes, in one buffer sized for it up front.
    static func bytes(_ head: HTTPResponseHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        let reason = head.status.reasonPhrase
        let code = Int(head.status.code)
        var size = 17 + reason.utf8.count  // "HTTP/1.1 200 " and two CRLFs
        for (name, value) in head.headers { size += name.utf8.count + value.utf8.count + 4 }
        var buffer = allocator.buffer(capacity: size)
        // Copied into the buffer's memory in one call: each of ByteBuffer's own writes checks
        // capacity, uniqueness and exclusive access again, about 300 instructions apiece.
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { memory in
            var out = RawWriter(memory: memory)
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
            for (name, value) in head.headers {
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

/// Bytes copied into memory whose size was counted beforehand.
private struct RawWriter {
    let memory: UnsafeMutableRawBufferPointer
    private(set) var written = 0

    init(memory: UnsafeMutableRawBufferPointer) {
        self.memory = memory
    }

    mutating func put(_ byte: UInt8) {
        memory[written] = byte
        written += 1
    }

    mutating func put(digit: Int) {
        put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit))
    }

    mutating func put(_ text: StaticString) {
        put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func put(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { put(UnsafeRawBufferPointer($0)) }
        // A string without contiguous UTF-8 (bridged): rare, so byte by byte is fine.
        if copied == nil { for byte in text.utf8 { put(byte) } }
    }

    private mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return }
        precondition(written + bytes.count <= memory.count, "response head: more bytes than counted")
        memory.baseAddress!.advanced(by: written).copyMemory(from: start, byteCount: bytes.count)
        written += bytes.count
    }
}
