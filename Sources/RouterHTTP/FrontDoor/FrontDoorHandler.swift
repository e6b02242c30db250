import NIOCore
import NIOHTTP1

/// One client connection of the front door: reads requests, writes the answers streamed to it.
///
/// It answers one request at a time and holds pipelined requests (up to a number of bytes) until
/// the answer before them ended. It does this itself rather than with NIO's pipelining handler,
/// which stops and restarts reading around every request (two `epoll_ctl` calls per request):
/// here reading stops only when a limit is reached (`ReadGate`).
final class FrontDoorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Input received behind the answer in progress.
    private enum Pipelined {
        case part(HTTPServerRequestPart)
        /// The input stopped parsing here.
        case malformed(HTTPParserError)

        /// Roughly the bytes it holds.
        var bytes: Int {
            switch self {
            case .part(.head(let head)):
                head.uri.utf8.count + head.headers.reduce(32) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
            case .part(.body(let body)): body.readableBytes
            case .part(.end), .malformed: 16
            }
        }
    }

    private let door: FrontDoor
    private var context: ChannelHandlerContext?
    /// The request whose parts are still arriving.
    private var inbound: ProxyExchange?
    /// The request whose answer has not ended yet.
    private var outstanding: ProxyExchange?
    private var queued = CircularBuffer<Pipelined>()
    private var queuedBytes = 0
    private var draining = false
    private var gate = ReadGate()
    private var wait: ConnectionWait
    private var timer: Scheduled<Void>?
    /// True once the input stopped parsing: the decoder reports every later read as an error too.
    private var malformedSeen = false

    init(door: FrontDoor) {
        self.door = door
        self.wait = ConnectionWait(openedAt: .now(), headerTimeout: door.limits.headerTimeout,
                                   idleTimeout: door.limits.idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        door.opened(self)
        // Never later than the shorter timeout from now: a deadline set later is never missed.
        if case .checkAgain(let deadline) = wait.check(at: .now()) { armTimer(at: deadline) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timer?.cancel()
        timer = nil
        door.closed(self)
    }

    // MARK: reading

    func read(context: ChannelHandlerContext) {
        if gate.askToRead() { context.read() }
    }

    private func hold(_ reasons: ReadHolds) {
        gate.hold(reasons)
    }

    private func lift(_ reasons: ReadHolds) {
        if gate.lift(reasons) { context?.read() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if queued.isEmpty, handle(part) { return }
        enqueue(.part(part))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if inbound == nil, outstanding == nil { wait.bytesArrived(at: .now()) }
        context.fireChannelReadComplete()
    }

    private func enqueue(_ input: Pipelined) {
        queued.append(input)
        queuedBytes += input.bytes
        if queuedBytes >= door.limits.maxQueuedBytes { hold(.pipelineFull) }
    }

    /// Handles one part; false when it must wait for the answer in progress.
    private func handle(_ part: HTTPServerRequestPart) -> Bool {
        switch part {
        case .head(let head):
            guard outstanding == nil else { return false }
            wait.requestStarted()
            let exchange = ProxyExchange(head: head, client: self)
            inbound = exchange
            outstanding = exchange
            if head.method == .CONNECT, !door.limits.allowConnect {
                door.countConnectRefused()
                refuse(exchange, status: .methodNotAllowed, message: "CONNECT is not forwarded by this router")
            } else if !door.reserveBody(exchange.bodyAllowance) {
                refuse(exchange, status: .serviceUnavailable, message:
                    "request bodies held by the router are at their limit (\(door.limits.bodyBudget) bytes)",
                       retryAfter: 1)
            } else {
                door.admit(exchange)
            }
        case .body(let body):
            guard let inbound, !inbound.finished else { return true }
            let holds = inbound.receivedBody(body)
            if !holds.isEmpty { hold(holds) }
        case .end(let trailers):
            guard let inbound else { return true }
            self.inbound = nil
            lift([.bodyWaiting, .upstreamFull])
            if !inbound.finished { inbound.receivedEnd(trailers: trailers) }
        }
        return true
    }

    /// Answers a request the router never sees.
    private func refuse(_ exchange: ProxyExchange, status: HTTPResponseStatus, message: String, retryAfter: Int? = nil) {
        exchange.finished = true
        fail(exchange, status: status, message: message, retryAfter: retryAfter)
    }

    /// The input stopped parsing here; false when it must wait for the answer in progress.
    private func handleMalformed(_ error: HTTPParserError) -> Bool {
        if let inbound {
            // Mid-body: the request is called off and answered 400 (or cut, if its answer started).
            self.inbound = nil
            door.countMalformed()
            if inbound.finished { close() } else { door.malformedBody(inbound) }
            return true
        }
        guard outstanding == nil else { return false }
        if case .closedConnection = error {
            // Bytes after a request that said `Connection: close`: it was answered; nothing more is.
            close()
            return true
        }
        door.countMalformed()
        var headers = HTTPHeaders()
        headers.add(name: "connection", value: "close")
        headers.add(name: "content-length", value: "0")
        writeFinal(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))
        return true
    }

    /// Writes a bodiless answer and closes the connection once it is sent.
    private func writeFinal(_ head: HTTPResponseHead) {
        guard let context else { return }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Handles what waited behind the answer that just ended, in order.
    private func drainQueue() {
        // An answer ended while handling a queued part (a refusal) must not handle the same part again.
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while let input = queued.popFirst() {
            let handled: Bool
            switch input {
            case .part(let part): handled = handle(part)
            case .malformed(let error): handled = handleMalformed(error)
            }
            guard handled else {
                queued.prepend(input)
                break
            }
            queuedBytes -= input.bytes
        }
        if queuedBytes < door.limits.maxQueuedBytes { lift(.pipelineFull) }
    }

    /// Called when an answer ended: the next pipelined request may start.
    private func answerEnded(_ exchange: ProxyExchange) {
        guard outstanding === exchange else { return }
        outstanding = nil
        lift([.bodyWaiting, .upstreamFull])
        drainQueue()
        if outstanding == nil, inbound == nil { wait.answered(at: .now()) }
    }

    /// A request the input holds did not parse: every whole request before it is answered first,
    /// then 400, and nothing more is read.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !malformedSeen else { return }
        guard let parserError = error as? HTTPParserError else {
            context.close(promise: nil)
            return
        }
        malformedSeen = true
        hold(.stopped)
        if queued.isEmpty, handleMalformed(parserError) { return }
        enqueue(.malformed(parserError))
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
        queuedBytes = 0
        timer?.cancel()
        timer = nil
        door.closed(self)
        context.fireChannelInactive()
    }

    // MARK: timeouts

    private func armTimer(at deadline: NIODeadline) {
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerFired()
        }
    }

    private func timerFired() {
        guard context != nil else { return }
        switch wait.check(at: .now()) {
        case .checkAgain(let deadline):
            armTimer(at: deadline)
        case .expired(.header):
            door.countHeaderTimeout()
            var headers = HTTPHeaders()
            headers.add(name: "connection", value: "close")
            headers.add(name: "content-length", value: "0")
            hold(.stopped)
            writeFinal(HTTPResponseHead(version: .http1_1, status: .requestTimeout, headers: headers))
        case .expired:
            door.countIdleTimeout()
            close()
        }
    }

    // MARK: writing

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { outstanding?.activeCall?.clientWritable() }
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
        guard let context, outstanding === exchange, !exchange.responseStarted else { return }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: exchange.head.version,
                                                                     status: .continue))), promise: nil)
    }

    func sendHead(_ head: HTTPResponseHead, for exchange: ProxyExchange) {
        guard let context else { return }
        var head = head
        let codings = head.headers.contains(name: "transfer-encoding")
            ? ChunkedFraming.extraCodings(in: head.headers) : nil
        HopByHopHeaders.strip(&head.headers)
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
        if !exchange.keepAlive || exchange.closeAfterAnswer {
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
        if outstanding == nil { close() }
    }

    func close() {
        context?.close(promise: nil)
    }
}
