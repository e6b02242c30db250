@_spi(CustomByteBufferAllocator) import NIOCore
import NIOHTTP1
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

@testable import RouterHTTP

/// Storage allocated through `countingAllocator`: a buffer's storage used again is then seen as no
/// allocation, which its address alone cannot show (the allocator may hand a freed block back).
private let allocations = Atomic<Int>(0)

private let countingAllocator = ByteBufferAllocator { size in
    allocations.add(1, ordering: .relaxed)
    return malloc(size)
} reallocate: { pointer, _, newSize in
    allocations.add(1, ordering: .relaxed)
    return realloc(pointer, newSize)
} deallocate: { pointer in
    free(pointer)
} copy: { destination, source, count in
    destination.copyMemory(from: source, byteCount: count)
}

@Suite("the spare head buffer", .serialized)
struct SpareHeadBufferTests {
    private static func allocated(_ body: () -> Void) -> Int {
        let before = allocations.load(ordering: .relaxed)
        body()
        return allocations.load(ordering: .relaxed) - before
    }

    /// `text` written as a head is: in the spare buffer, emptied, when there is one.
    private static func head(_ text: String, from spare: inout SpareHeadBuffer) -> ByteBuffer {
        var buffer = SpareHeadBuffer.emptied(spare.take(), size: text.utf8.count, allocator: countingAllocator)
        buffer.writeString(text)
        return buffer
    }

    private static func filled(_ count: Int) -> ByteBuffer {
        var buffer = countingAllocator.buffer(capacity: count)
        buffer.writeRepeatingByte(UInt8(ascii: "x"), count: count)
        return buffer
    }

    @Test("a buffer the channel let go of takes the next head, with no allocation")
    func reusedOnceLetGo() {
        var spare = SpareHeadBuffer()
        #expect(Self.allocated { _ = spare.keep(Self.head("HTTP/1.1 200 OK\r\nserver: a\r\n\r\n", from: &spare)) } == 1)
        #expect(spare.isHolding)
        var second = ByteBuffer()
        #expect(Self.allocated { second = Self.head("HTTP/1.1 404 Not Found\r\n\r\n", from: &spare) } == 0)
        #expect(String(buffer: second) == "HTTP/1.1 404 Not Found\r\n\r\n")
        #expect(!spare.isHolding)
    }

    @Test("while the channel still holds the buffer, the next head gets its own and the first stays as written")
    func newStorageWhileHeld() {
        var spare = SpareHeadBuffer()
        let held = Self.head("HTTP/1.1 200 OK\r\nserver: a\r\n\r\n", from: &spare)
        _ = spare.keep(held)
        var second = ByteBuffer()
        #expect(Self.allocated { second = Self.head("HTTP/1.1 404 Not Found\r\n\r\n", from: &spare) } == 1)
        #expect(String(buffer: held) == "HTTP/1.1 200 OK\r\nserver: a\r\n\r\n")
        #expect(String(buffer: second) == "HTTP/1.1 404 Not Found\r\n\r\n")
    }

    @Test("the head writers write in the spare buffer: a second head allocates nothing and reads the same")
    func headWireWritesInTheSpare() throws {
        var reader = AnswerReader()
        reader.requestWritten(.GET)
        var bytes = ByteBuffer(string: "HTTP/1.1 200 OK\r\nServer: a\r\nContent-Length: 0\r\n\r\n")
        guard case .head(let answer, _) = try reader.next(&bytes) else { throw WireError.truncated }
        let request = try ClientHead.read(headers: HTTPHeaders([("Host", "a"), ("Accept", "*/*")])).0
        var spare = SpareHeadBuffer()
        var texts: [String] = []
        let allocations = (0..<2).map { _ in
            Self.allocated {
                let head = HeadWire.response(version: .http1_1, head: answer, omitting: { _ in false },
                                             adding: AddedHeaders(), reusing: spare.take(), allocator: countingAllocator)
                texts.append(String(buffer: head))
                _ = spare.keep(head)
            }
        } + (0..<2).map { _ in
            Self.allocated {
                let head = HeadWire.request(version: .http1_1, method: .GET, target: "/a", head: request,
                                            omitting: { _ in false }, adding: AddedHeaders(), reusing: spare.take(),
                                            allocator: countingAllocator)
                texts.append(String(buffer: head))
                _ = spare.keep(head)
            }
        }
        #expect(allocations == [1, 0, 0, 0])
        #expect(texts == ["HTTP/1.1 200 OK\r\nServer: a\r\nContent-Length: 0\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nServer: a\r\nContent-Length: 0\r\n\r\n",
                          "GET /a HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n",
                          "GET /a HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n"])
    }

    @Test("a buffer of byteLimit bytes is kept, one byte more is let go; keeping hands back what was kept")
    func boundedByBytes() {
        var spare = SpareHeadBuffer()
        #expect(spare.keep(Self.filled(SpareHeadBuffer.byteLimit)) == nil)
        #expect(spare.isHolding)
        #expect(spare.keep(Self.filled(SpareHeadBuffer.byteLimit + 1)) == nil)
        #expect(spare.take()?.readableBytes == SpareHeadBuffer.byteLimit)
        #expect(!spare.isHolding)
        _ = spare.keep(Self.filled(1))
        #expect(spare.keep(Self.filled(2))?.readableBytes == 1)
        #expect(spare.take()?.readableBytes == 2)
    }
}
