import NIOCore
import NIOPosix
import Synchronization

/// A client connection that sends and receives raw bytes, for what a well-behaved client never does.
final class RawConnection: Sendable {
    let channel: any Channel
    private let collector: NIOLoopBound<RawCollector>

    private init(channel: any Channel, collector: NIOLoopBound<RawCollector>) {
        self.channel = channel
        self.collector = collector
    }

    static func open(port: Int, on group: any EventLoopGroup) async throws -> RawConnection {
        let eventLoop = group.next()
        let collector = try await eventLoop.submit { NIOLoopBound(RawCollector(), eventLoop: eventLoop) }.get()
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector.value) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawConnection(channel: channel, collector: collector)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Everything received so far.
    func received() async throws -> String {
        let collector = self.collector
        return try await channel.eventLoop.submit { collector.value.text }.get()
    }

    var isClosed: Bool {
        get async throws {
            let collector = self.collector
            return try await channel.eventLoop.submit { collector.value.closed }.get()
        }
    }

    func close() async {
        try? await channel.close()
    }
}

private final class RawCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var text = ""
    var closed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        text += String(buffer: unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// A replica that answers every request with the same bytes, for answers `ReplicaServer` never
/// gives (chunked, with trailers, malformed); the probe path gets 404, so it is counted locally.
final class CannedReplica: Sendable {
    let channel: any Channel
    private let log: Log
    var port: Int { channel.localAddress?.port ?? 0 }

    /// Every byte the replica received, on all connections.
    final class Log: Sendable {
        let text = Mutex("")
    }

    private init(channel: any Channel, log: Log) {
        self.channel = channel
        self.log = log
    }

    /// - Parameter afterBytes: the answer waits until the connection has received this many bytes
    ///   (a replica that answers while a body still comes); 0 answers each request at its end.
    static func start(answer: String, afterBytes: Int = 0, on group: any EventLoopGroup) async throws -> CannedReplica {
        let log = Log()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        CannedAnswerer(answer: answer, afterBytes: afterBytes, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return CannedReplica(channel: channel, log: log)
    }

    /// What it received so far.
    var received: String { log.text.withLock { $0 } }

    func stop() async {
        try? await channel.close()
    }
}

private final class CannedAnswerer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let answer: String
    private let log: CannedReplica.Log
    private var buffered = ""
    /// With `afterBytes` above 0, each request but a probe is answered once that many of its bytes
    /// came (what is left of them counts down in `left`), and the rest of its bytes are dropped.
    private let afterBytes: Int
    private var left: Int?

    init(answer: String, afterBytes: Int, log: CannedReplica.Log) {
        self.answer = answer
        self.log = log
        self.afterBytes = afterBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        if afterBytes > 0, left == nil, bytes.getString(at: bytes.readerIndex, length: min(bytes.readableBytes, 64))?
            .hasPrefix("GET /-/queue-length") != true {
            left = afterBytes
        }
        if let before = left {
            // Counted, not kept: the body may be large.
            left = before - bytes.readableBytes
            if before > 0, before <= bytes.readableBytes {
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
            }
            return
        }
        let text = String(buffer: bytes)
        log.text.withLock { $0 += text }
        buffered += text
        // One request at a time: a head ends with an empty line, a chunked body with the last chunk.
        while let end = buffered.range(of: "\r\n\r\n") {
            let head = buffered[..<end.lowerBound]
            var rest = buffered[end.upperBound...]
            if head.lowercased().contains("transfer-encoding") {
                // The last chunk is `0` on a line of its own, then trailers, then an empty line.
                let body = "\r\n" + rest
                guard let last = body.range(of: "\r\n0\r\n") else { return }
                let after = body[last.upperBound...]
                if after.hasPrefix("\r\n") {
                    rest = Substring(after.dropFirst(2))
                } else if let end = after.range(of: "\r\n\r\n") {
                    rest = after[end.upperBound...]
                } else {
                    return
                }
            }
            buffered = String(rest)
            let reply = head.contains("/-/queue-length")
                ? "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n" : answer
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// A replica that answers probes with 404 and takes a request's head, then reads nothing more and
/// never answers: its connection's buffers fill, as with a replica that reads a body slowly.
final class SinkReplica: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) {
        self.channel = channel
    }

    static func start(on group: any EventLoopGroup) async throws -> SinkReplica {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Sink()) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return SinkReplica(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

private final class Sink: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var buffered = ""

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        buffered += String(buffer: unwrapInboundIn(data))
        while let end = buffered.range(of: "\r\n\r\n") {
            let head = buffered[..<end.lowerBound]
            buffered = String(buffered[end.upperBound...])
            guard head.contains("/-/queue-length") else {
                // A request: stop reading for good.
                buffered = ""
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
                return
            }
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")),
                                  promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
