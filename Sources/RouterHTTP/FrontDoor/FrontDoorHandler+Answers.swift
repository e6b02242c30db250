import NIOCore
import NIOHTTP1

/// Writing answers to the client: heads framed for the client's HTTP version, bodies, ends, and
/// the error statuses the front door gives itself.
extension FrontDoorHandler {

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { pipelining.current?.activeCall?.clientWritable() }
        context.fireChannelWritabilityChanged()
    }

    /// False while the client's connection holds more unsent bytes than its high-water mark.
    var isWritable: Bool { context?.channel.isWritable ?? true }

    /// The replica's connection took the request body it was sent: read the client on.
    func upstreamDrained() {
        lift(.upstreamFull)
    }

    /// A replica took the request: the body it held went out, so the client may send more (once
    /// the replica's connection drained, when it is full).
    func bodyForwarded(holdForUpstream: Bool) {
        if holdForUpstream { hold(.upstreamFull) }
        lift(.bodyWaiting)
    }

    func sendContinue(for exchange: ProxyExchange) {
        guard let context, pipelining.current === exchange, !exchange.responseStarted else { return }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: exchange.head.version,
                                                                     status: .continue))), promise: nil)
    }

    func sendHead(_ head: HTTPResponseHead, for exchange: ProxyExchange) {
        guard let context else { return }
        var head = head
        let codings = head.headers.contains(name: "transfer-encoding")
            ? ChunkedFraming.extraCodings(in: head.headers) : nil
        HopByHopHeaders.strip(&head.headers)
        // The client learns the id its request goes by, whatever the replica answered.
        if let id = exchange.wireRequestID { head.headers.replaceOrAdd(name: "x-request-id", value: id) }
        head.version = exchange.head.version
        // Framed here, not by NIO's encoder (which knows only plain `chunked`).
        if Self.mayHaveBody(head.status, exchange.head.method), !head.headers.contains(name: "content-length") {
            if exchange.head.version.minor == 0 {
                // An HTTP/1.0 client cannot take a chunked answer: a body of unknown length ends
                // only when the connection does.
                exchange.closeAfterAnswer = true
            } else if let codings {
                head.headers.add(name: "transfer-encoding", value: codings)
                exchange.responseFramedByHand = true
            } else {
                head.headers.add(name: "transfer-encoding", value: "chunked")
            }
        }
        // While the router stops, the connection closes after this answer: the client is told so in
        // it, and sends its next request to a router that will take it instead of into a closed socket.
        if !exchange.keepAlive || exchange.closeAfterAnswer || door.draining {
            head.headers.add(name: "connection", value: "close")
        } else if exchange.head.version.minor == 0 {
            head.headers.add(name: "connection", value: "keep-alive")
        }
        exchange.responseStarted = true
        context.write(wrapOutboundOut(.head(head)), promise: nil)
    }

    private static func mayHaveBody(_ status: HTTPResponseStatus, _ method: HTTPMethod) -> Bool {
        let code = status.code
        return method != .HEAD && code >= 200 && code != 204 && code != 304
    }

    func sendBody(_ body: ByteBuffer, for exchange: ProxyExchange) {
        guard let context else { return }
        guard exchange.responseFramedByHand else {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            return
        }
        let (size, bytes, end) = ChunkedFraming.chunk(body, allocator: context.channel.allocator)
        context.write(wrapOutboundOut(.body(.byteBuffer(size))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(end))), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    func sendEnd(for exchange: ProxyExchange, trailers: HTTPHeaders? = nil) {
        guard let context else { return }
        exchange.responseEnded = true
        var trailers = trailers
        if exchange.responseFramedByHand {
            context.write(wrapOutboundOut(.body(.byteBuffer(
                ChunkedFraming.lastChunk(trailers: trailers, allocator: context.channel.allocator)))), promise: nil)
            trailers = nil
        }
        // A request body the replica did not wait for would be read as the next request: close.
        if exchange.keepAlive && !exchange.closeAfterAnswer && exchange.bodyComplete && !door.draining {
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
            answerEnded(exchange)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(trailers))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Answers with an error status, or closes the connection when an answer already started.
    func fail(_ exchange: ProxyExchange, status: HTTPResponseStatus, message: String, retryAfter: Int? = nil) {
        guard let context else { return }
        guard !exchange.responseStarted else {
            // What was passed on goes out first, so the client sees an answer cut short.
            context.flush()
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
        if let id = exchange.wireRequestID { headers.add(name: "x-request-id", value: id) }
        if status == .methodNotAllowed { headers.add(name: "allow", value: "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH") }
        // The rest of an unread request body would be read as the next request: close instead.
        let closing = !exchange.keepAlive || !exchange.bodyComplete || door.draining
        if closing { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: exchange.head.version, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))),
                      promise: nil)
        if closing {
            hold(.stopped)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            answerEnded(exchange)
        }
    }

    func closeIfIdle() {
        if pipelining.current == nil { close() }
    }

    func close() {
        context?.close(promise: nil)
    }
}
