import NIOCore
import NIOEmbedded
import RouterEngine
@testable import RouterHTTP
import Testing

/// Admits every request and leaves it waiting until the test finishes it.
private final class WaitingAdmission: RequestAdmission {
    var waiting: [RequestID: (RequestResult) -> Void] = [:]
    /// What each request was admitted with: its exchange.
    var payloads: [RequestID: AnyObject] = [:]
    private var next: UInt64 = 0

    func submit(
        model: String?, externalID: String?, payload: AnyObject?, onFinish: @escaping (RequestResult) -> Void
    ) -> RequestID {
        next += 1
        let id = RequestID(next)
        waiting[id] = onFinish
        payloads[id] = payload
        return id
    }

    func cancel(_ id: RequestID, reason: FailureReason) {
        finish(id, .failed(reason))
    }

    func finish(_ id: RequestID, _ result: RequestResult) {
        waiting.removeValue(forKey: id)?(result)
    }
}

/// Counts the reads that reach the socket.
private final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = Any
    var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

@Suite("front door back-pressure (embedded)")
struct FrontDoorBackPressureTests {
    private static func connection(limits: FrontDoorLimits = FrontDoorLimits())
        throws -> (EmbeddedChannel, WaitingAdmission, ReadCounter, FrontDoor) {
        let loop = EmbeddedEventLoop()
        let admission = WaitingAdmission()
        let door = FrontDoor(admission: admission, eventLoop: loop, requestTimeout: nil, limits: limits)
        let counter = ReadCounter()
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandler(counter)
        try FrontDoorHandler.install(on: channel, door: door)
        return (channel, admission, counter, door)
    }

    /// A request's head as a client writes it.
    private static func head(_ method: String, _ uri: String, _ headers: String = "") -> ByteBuffer {
        ByteBuffer(string: "\(method) \(uri) HTTP/1.1\r\nhost: a\r\n\(headers)\r\n")
    }

    @Test("a body waiting for a replica is not read past its allowance; its bytes are reserved")
    func bodyWaitsForReplica() throws {
        let (channel, _, counter, door) = try Self.connection()
        channel.read()
        #expect(counter.reads == 1)
        try channel.writeInbound(Self.head("POST", "/upload", "content-length: \(200 << 20)\r\n"))
        #expect(door.bodyBytesReserved == ProxyExchange.keptBodyLimit)
        try channel.writeInbound(ByteBuffer(repeating: 1, count: 512 << 10))
        channel.read()
        #expect(counter.reads == 2, "under the allowance the client is read on")
        try channel.writeInbound(ByteBuffer(repeating: 1, count: 512 << 10))
        channel.read()
        channel.read()
        #expect(counter.reads == 2, "at the allowance, with no replica yet, the client is not read")
        _ = try? channel.finish()
    }

    @Test("requests that arrive a byte at a time are admitted whole, each once, in order")
    func byteAtATime() throws {
        let (channel, admission, _, _) = try Self.connection()
        let requests = "POST /upload HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "GET /next HTTP/1.1\r\nhost: a\r\n\r\n"
        for byte in requests.utf8 {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(admission.waiting.keys.sorted() == [RequestID(1)], "the second waits behind the first's answer")
        admission.finish(RequestID(1), .failed(.shed))
        #expect(admission.waiting.keys.sorted() == [RequestID(2)])
        _ = try? channel.finish()
    }

    @Test("a request waiting behind another holds its head in bytes of its own, not the buffer they came in")
    func waitingHeadOwnsItsBytes() throws {
        let (channel, admission, _, _) = try Self.connection()
        var read = ByteBufferAllocator().buffer(capacity: 64 << 10)
        read.writeImmutableBuffer(Self.pipelined)
        try channel.writeInbound(read)
        let first = try #require(admission.payloads[RequestID(1)] as? ProxyExchange)
        #expect(first.head.bytes.storageCapacity >= 64 << 10, "the request in progress keeps a slice of the read")
        admission.finish(RequestID(1), .failed(.shed))
        let second = try #require(admission.payloads[RequestID(2)] as? ProxyExchange)
        #expect(second.head.target == "/b" && second.head.first("x-b") == "2")
        #expect(second.head.bytes.storageCapacity < 1024, "it waited: its head was moved out of the read")
        _ = try? channel.finish()
    }

    /// Two requests in one write, the second with a header of its own.
    private static var pipelined: ByteBuffer {
        var bytes = head("GET", "/a")
        var second = head("GET", "/b", "x-b: 2\r\n")
        bytes.writeBuffer(&second)
        return bytes
    }

    @Test("pipelined requests past the byte limit stop reading until the answer before them ends")
    func pipelineBoundedByBytes() throws {
        var limits = FrontDoorLimits()
        limits.maxQueuedBytes = 150
        let (channel, admission, counter, door) = try Self.connection(limits: limits)
        try channel.writeInbound(Self.head("GET", "/0"))
        for index in 1...4 {
            try channel.writeInbound(Self.head("GET", "/\(index)"))
        }
        channel.read()
        #expect(counter.reads == 0, "four queued requests hold 176 bytes (28 a head, 16 an end), more than 150")
        #expect(admission.waiting.count == 1)
        // The first is refused (503, keep-alive): the next one starts and the queue drops under its limit.
        admission.finish(RequestID(1), .failed(.shed))
        #expect(admission.waiting.count == 1)
        #expect(counter.reads == 1, "the read held back goes ahead")
        let answer = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: answer).hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(door.tally.shed == 1)
        _ = try? channel.finish()
    }
}
