import NIOCore
import NIOHTTP1

/// One client connection of the front door: reads requests, writes the answers streamed to it.
///
/// NIO's pipelining handler in front of it keeps one request in progress per connection.
final class FrontDoorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let door: FrontDoor
    private var context: ChannelHandlerContext?
    private var current: ProxyExchange?
    private var keepAlive = true
    /// True between the request head and the end of its response.
    private var busy = false

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
        switch unwrapInboundIn(data) {
        case .head(let head):
            let exchange = ProxyExchange(head: head, client: self)
            current = exchange
            keepAlive = head.isKeepAlive
            busy = true
            door.admit(exchange)
        case .body(let part):
            guard let current, !current.finished else { return }
            current.receivedBody(part)
        case .end:
            guard let current, !current.finished else { return }
            current.receivedEnd()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let current, !current.finished, !current.responseEnded {
            current.client = nil
            door.clientGone(current)
        }
        current = nil
        door.closed(self)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func sendHead(_ head: HTTPResponseHead, for exchange: ProxyExchange) {
        guard let context else { return }
        var head = head
        HopByHopHeaders.strip(&head.headers)
        head.version = exchange.head.version
        if !keepAlive {
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
        busy = false
        exchange.responseEnded = true
        if keepAlive && !door.draining {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
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
        busy = false
        let body = "\(status.code) \(status.reasonPhrase): \(message)\n"
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(body.utf8.count))
        if let retryAfter { headers.add(name: "retry-after", value: String(retryAfter)) }
        // The rest of an unread request body would be taken for the next request: close instead.
        let closing = !keepAlive || !exchange.bodyComplete || door.draining
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
        }
    }

    func closeIfIdle() {
        if !busy { close() }
    }

    func close() {
        context?.close(promise: nil)
    }
}
