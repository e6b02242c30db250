import NIOCore
import NIOHTTP1

/// One client connection of the front door: reads requests, writes the answers streamed to it.
///
/// It answers one request at a time and holds pipelined requests until the answer before them
/// ended. It does this itself rather than with NIO's pipelining handler, which stops and restarts
/// reading around every request (two `epoll_ctl` calls per request).
final class FrontDoorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let door: FrontDoor
    private var context: ChannelHandlerContext?
    /// The request whose parts are still arriving.
    private var inbound: ProxyExchange?
    /// The request whose answer has not ended yet.
    private var outstanding: ProxyExchange?
    /// Parts of pipelined requests that wait for the answer before them.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private static let maxQueuedParts = 1024

    init(door: FrontDoor) {
        self.door = door
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        door.opened(self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        door.closed(self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard queued.isEmpty, handle(part) else {
            guard queued.count < Self.maxQueuedParts else {
                context.close(promise: nil)
                return
            }
            queued.append(part)
            return
        }
    }

    /// Handles one part; false when it must wait for the answer in progress.
    private func handle(_ part: HTTPServerRequestPart) -> Bool {
        switch part {
        case .head(let head):
            guard outstanding == nil else { return false }
            let exchange = ProxyExchange(head: head, client: self)
            inbound = exchange
            outstanding = exchange
            door.admit(exchange)
        case .body(let body):
            guard let inbound else { return true }
            if !inbound.finished { inbound.receivedBody(body) }
        case .end:
            guard let inbound else { return true }
            self.inbound = nil
            if !inbound.finished { inbound.receivedEnd() }
        }
        return true
    }

    /// Called when an answer ended: the next pipelined request may start.
    private func answerEnded(_ exchange: ProxyExchange) {
        guard outstanding === exchange else { return }
        outstanding = nil
        while let part = queued.first, handle(part) {
            queued.removeFirst()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let outstanding {
            outstanding.client = nil
            if !outstanding.finished, !outstanding.responseEnded { door.clientGone(outstanding) }
        }
        inbound?.client = nil
        outstanding = nil
        inbound = nil
        queued.removeAll()
        door.closed(self)
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { outstanding?.activeCall?.clientWritable() }
        context.fireChannelWritabilityChanged()
    }

    /// False while the client's connection holds more unsent bytes than its high-water mark.
    var isWritable: Bool { context?.channel.isWritable ?? true }

    /// A request that does not parse gets 400 when no answer is in progress, then the connection
    /// closes (NIO's protocol error handler does the same; doing it here saves a pipeline hop).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, outstanding == nil else {
            context.close(promise: nil)
            return
        }
        var headers = HTTPHeaders()
        headers.add(name: "connection", value: "close")
        headers.add(name: "content-length", value: "0")
        let head = HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    func sendHead(_ head: HTTPResponseHead, for exchange: ProxyExchange) {
        guard let context else { return }
        var head = head
        HopByHopHeaders.strip(&head.headers)
        head.version = exchange.head.version
        if !exchange.keepAlive {
            head.headers.add(name: "connection", value: "close")
        } else if exchange.head.version.minor == 0 {
            head.headers.add(name: "connection", value: "keep-alive")
        }
        exchange.responseStarted = true
        context.write(wrapOutboundOut(.head(head)), promise: nil)
    }

    func sendBody(_ body: ByteBuffer, for exchange: ProxyExchange) {
        context?.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    func sendEnd(for exchange: ProxyExchange) {
        guard let context else { return }
        exchange.responseEnded = true
        // A request body the replica did not wait for would be read as the next request: close.
        if exchange.keepAlive && exchange.bodyComplete && !door.draining {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            answerEnded(exchange)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Answers with an error status, or closes the connection when an answer already started.
    func fail(_ exchange: ProxyExchange, status: HTTPResponseStatus, message: String, retryAfter: Int? = nil) {
        guard let context else { return }
        guard !exchange.responseStarted else {
            close()
            return
        }
        exchange.responseStarted = true
        exchange.responseEnded = true
        let body = "\(status.code) \(status.reasonPhrase): \(message)\n"
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(body.utf8.count))
        if let retryAfter { headers.add(name: "retry-after", value: String(retryAfter)) }
        // The rest of an unread request body would be read as the next request: close instead.
        let closing = !exchange.keepAlive || !exchange.bodyComplete || door.draining
        if closing { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: exchange.head.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))),
                      promise: nil)
        if closing {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            answerEnded(exchange)
        }
    }

    func closeIfIdle() {
        if outstanding == nil { close() }
    }

    func close() {
        context?.close(promise: nil)
    }
}
