import NIOConcurrencyHelpers
import NIOCore

/// Bounds one listener's open connections (each snapshot stream holds one); a connection over
/// the limit is answered 503 and closed, and counted.
final class ConnectionBudget: Sendable {
    let limit: Int
    /// Told of each refusal, so the metrics count it.
    private let onRefusal: @Sendable () -> Void
    private let counts = NIOLockedValueBox((open: [ObjectIdentifier: any Channel](), refused: 0))

    init(limit: Int, onRefusal: @escaping @Sendable () -> Void = {}) {
        self.limit = limit
        self.onRefusal = onRefusal
    }

    /// Takes a place for a new connection; false when every place is taken.
    func take(_ channel: any Channel) -> Bool {
        let taken = counts.withLockedValue { counts in
            guard counts.open.count < limit else {
                counts.refused += 1
                return false
            }
            counts.open[ObjectIdentifier(channel)] = channel
            return true
        }
        if !taken { onRefusal() }
        return taken
    }

    func release(_ channel: any Channel) {
        _ = counts.withLockedValue { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Closes every open connection (the server stops; streams end so clients notice).
    func closeAll() {
        let open = counts.withLockedValue { Array($0.open.values) }
        for channel in open { channel.close(promise: nil) }
    }

    /// Connections refused at the limit, over the server's life.
    var refused: Int { counts.withLockedValue { $0.refused } }
}

/// Answers a connection over the limit with 503 (once its request begins to arrive) and closes it.
final class OverLimitHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var answered = false
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        let body = "{\"error\":\"the control API serves at most \(limit) connections at once on this listener; close one and retry\"}\n"
        let text = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n"
            + "connection: close\r\n\r\n" + body
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: text))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
