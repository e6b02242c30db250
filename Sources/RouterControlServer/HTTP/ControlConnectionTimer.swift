import NIOCore

/// Closes a control connection that holds a place without using it: a request not whole within
/// the header timeout of its first byte (or of connecting), or no request within the idle timeout
/// of the last answer. Sits first in the pipeline, where the request's first bytes are seen.
final class ControlConnectionTimer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the connection waits for.
    enum Phase: Equatable {
        /// A request is arriving (or the connection just opened): it must be whole by the deadline.
        case header
        /// Between requests.
        case idle
        /// A request is answered or streamed: no deadline of this timer applies.
        case busy
    }

    private let limits: ControlLimits
    private let onClose: (ControlClosing) -> Void
    private(set) var phase = Phase.header
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(limits: ControlLimits, onClose: @escaping (ControlClosing) -> Void) {
        self.limits = limits
        self.onClose = onClose
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        arm(limits.headerTimeout, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if phase == .idle {
            phase = .header
            arm(limits.headerTimeout, context: context)
        }
        context.fireChannelRead(data)
    }

    /// A whole request arrived: it is being answered.
    func requestReceived() {
        phase = .busy
        timer?.cancel()
        timer = nil
    }

    /// The answer was written and nothing else is in progress.
    func answered() {
        guard let context else { return }
        phase = .idle
        arm(limits.idleTimeout, context: context)
    }

    private func arm(_ after: TimeAmount, context: ChannelHandlerContext) {
        timer?.cancel()
        let expected = phase
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: after) { [self] in
            timer = nil
            guard phase == expected, let context = self.context else { return }
            expire(context: context)
        }
    }

    private func expire(context: ChannelHandlerContext) {
        let channel = context.channel
        switch phase {
        case .header:
            onClose(.headerTimeout)
            let text = "HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: text))).whenComplete { _ in
                channel.close(promise: nil)
            }
        case .idle:
            onClose(.idleTimeout)
            channel.close(promise: nil)
        case .busy:
            break
        }
    }
}
