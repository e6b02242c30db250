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

    let door: FrontDoor
    /// The connection's context while the handler is in its pipeline.
    private(set) var context: ChannelHandlerContext?
    /// The request whose parts are still arriving.
    private var inbound: ProxyExchange?
    /// The request whose answer has not ended yet.
    private(set) var outstanding: ProxyExchange?
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

    func hold(_ reasons: ReadHolds) {
        gate.hold(reasons)
    }

    func lift(_ reasons: ReadHolds) {
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
    func answerEnded(_ exchange: ProxyExchange) {
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
        if case .invalidEOFState = parserError {
            // The input stopped mid-request because the connection ended: the client left, or the
            // router closed it after refusing a request before its body came. Nothing was
            // malformed and nothing can be answered; `channelInactive` calls off what was open.
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
}
