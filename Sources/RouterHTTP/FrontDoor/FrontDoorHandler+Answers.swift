import NIOCore
import NIOHTTP1

/// Writing answers to the client as bytes: heads framed for the client's HTTP version, bodies,
/// ends, and the error statuses the front door gives itself.
extension FrontDoorHandler {
    /// The largest body part copied into the answer's head to go out with it. Each buffer written
    /// costs a trip through the channel's pipeline, about 1 500 instructions; copying 8 KiB costs
    /// about a third of that.
    static let bodyJoinedToHeadLimit = 8 * 1024

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
        let head = HTTPResponseHead(version: exchange.head.version, status: .continue)
        context.writeAndFlush(wrapOutboundOut(HeadWire.response(head, allocator: allocator)),
                              promise: nil)
    }

    /// Passes a replica's answer head on: its headers less the hop-by-hop ones (written straight
    /// from the replica's head, not from an edited copy), then the request id, the framing and
    /// `Connection` as this client needs them.
    func sendHead(_ head: ReplicaHead, for exchange: ProxyExchange) {
        guard context != nil else { return }
        let hopByHop = HopByHopHeaders.find(in: head)
        var added = AddedHeaders()
        // The client learns the id its request goes by, whatever the replica answered.
        let requestID = exchange.wireRequestID
        if let requestID { added.append(RequestIDHeader.name, requestID) }
        if Self.mayHaveBody(head.status, exchange), !head.hasContentLength {
            if exchange.head.version.minor == 0 {
                // An HTTP/1.0 client cannot take a chunked answer: a body of unknown length ends
                // only when the connection does.
                exchange.closeAfterAnswer = true
            } else {
                let codings = hopByHop.chunked ? ChunkedFraming.extraCodings(in: head) : nil
                added.append("transfer-encoding", codings ?? "chunked")
                exchange.responseChunked = true
            }
        }
        // While the router stops, the connection closes after this answer: the client is told so in
        // it, and sends its next request to a router that will take it instead of into a closed socket.
        if !exchange.keepAlive || exchange.closeAfterAnswer || door.draining {
            added.append("connection", "close")
        } else if exchange.head.version.minor == 0 {
            added.append("connection", "keep-alive")
        }
        exchange.responseStarted = true
        // Held until the body, the end or a flush: an answer that arrived in one read goes out in
        // one buffer.
        heldHead = HeadWire.response(
            version: exchange.head.version, head: head,
            omitting: { name in hopByHop.drops(name) || (requestID != nil && name.equalsLowercase(RequestIDHeader.lowercaseName)) },
            adding: added, reusing: spareHead.take(), allocator: allocator)
    }

    /// Writes the head held back for the body, if one is.
    private func writeHeldHead(_ context: ChannelHandlerContext) {
        guard let head = heldHead.take() else { return }
        context.write(wrapOutboundOut(head), promise: nil)
        _ = spareHead.keep(head)
    }

    private static func mayHaveBody(_ status: HTTPResponseStatus, _ exchange: ProxyExchange) -> Bool {
        let code = status.code
        return !exchange.answerHasNoBody && code >= 200 && code != 204 && code != 304
    }

    func sendBody(_ body: ByteBuffer, for exchange: ProxyExchange) {
        // An empty chunk would end a chunked answer, and an answer to HEAD or CONNECT has no body.
        guard let context, body.readableBytes > 0, !exchange.answerHasNoBody else { return }
        guard exchange.responseChunked else {
            if body.readableBytes <= Self.bodyJoinedToHeadLimit, var head = heldHead.take() {
                head.writeImmutableBuffer(body)
                context.write(wrapOutboundOut(head), promise: nil)
                _ = spareHead.keep(head)
                return
            }
            writeHeldHead(context)
            context.write(wrapOutboundOut(body), promise: nil)
            return
        }
        writeHeldHead(context)
        let (size, bytes, end) = ChunkedFraming.chunk(body, allocator: allocator)
        context.write(wrapOutboundOut(size), promise: nil)
        context.write(wrapOutboundOut(bytes), promise: nil)
        context.write(wrapOutboundOut(end), promise: nil)
    }

    func flush() {
        guard let context else { return }
        writeHeldHead(context)
        context.flush()
    }

    func sendEnd(for exchange: ProxyExchange, trailers: HTTPHeaders? = nil) {
        guard let context else { return }
        writeHeldHead(context)
        exchange.responseEnded = true
        // Trailers go out only in a chunked answer; otherwise there is nothing left to write.
        let last = exchange.responseChunked
            ? ChunkedFraming.lastChunk(trailers: trailers, allocator: allocator) : nil
        // A request body the replica did not wait for would be read as the next request: close.
        if exchange.keepAlive && !exchange.closeAfterAnswer && exchange.bodyComplete && !door.draining {
            if let last { context.write(wrapOutboundOut(last), promise: nil) }
            context.flush()
            answerEnded(exchange)
        } else {
            writeLastAndClose(last ?? allocator.buffer(capacity: 0))
        }
    }

    /// Writes the last bytes of an answer and closes the connection once they are sent.
    func writeLastAndClose(_ last: ByteBuffer) {
        guard let context else { return }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(last)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Answers with an error status, or closes the connection when an answer already started.
    func fail(_ exchange: ProxyExchange, status: HTTPResponseStatus, message: String, retryAfter: Int? = nil) {
        guard let context else { return }
        guard !exchange.responseStarted else {
            // What was passed on goes out first, so the client sees an answer cut short.
            writeHeldHead(context)
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
        if let id = exchange.wireRequestID { headers.add(name: RequestIDHeader.name, value: id) }
        if status == .methodNotAllowed { headers.add(name: "allow", value: "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH") }
        // The rest of an unread request body would be read as the next request: close instead.
        let closing = !exchange.keepAlive || !exchange.bodyComplete || door.draining
        if closing { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: exchange.head.version, status: status, headers: headers)
        var answer = HeadWire.response(head, allocator: allocator)
        // An answer to HEAD says how long its body would be, and sends none.
        if !exchange.answerHasNoBody { answer.writeString(body) }
        if closing {
            hold(.stopped)
            writeLastAndClose(answer)
        } else {
            context.writeAndFlush(wrapOutboundOut(answer), promise: nil)
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
