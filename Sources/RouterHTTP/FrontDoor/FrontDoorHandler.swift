import NIOCore
import NIOHTTP1

/// One client connection of the front door: reads requests, writes the answers streamed to it.
///
/// It answers one request at a time and holds pipelined requests (up to a number of bytes) until
/// the answer before them ended. It does this itself rather than with NIO's pipelining handler,
/// which stops and restarts reading around every request (two `epoll_ctl` calls per request):
/// here reading stops only when a limit is reached (`ReadGate`). What to do when is decided by
/// `FrontDoorPipeline`; this class carries it out on the channel.
final class FrontDoorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let door: FrontDoor
    /// The connection's context while the handler is in its pipeline.
    private(set) var context: ChannelHandlerContext?
    private(set) var pipelining: FrontDoorPipeline<ProxyExchange>
    private var timer: Scheduled<Void>?
    // Unchecked: values alone (`ReaderStateTests`). Read from about three times a request.
    @exclusivity(unchecked) private var reader = RequestReader()
    /// Bytes read that do not make a whole part yet (a head in pieces, a chunk's size line).
    private var unread: ByteBuffer?
    /// An answer's head, held until what follows it: a small body part joins it, and both go to the
    /// socket as one buffer (`FrontDoorHandler+Answers`).
    var heldHead: ByteBuffer?
    /// The buffer the last answer's head went out in, for the next one.
    var spareHead = SpareHeadBuffer()
    /// What the answers' buffers come from.
    let allocator: ByteBufferAllocator

    /// Puts the front door on a client connection: this handler alone, which reads requests from
    /// bytes (`RequestReader`) and writes its answers as bytes. The proxy and the fuzz target build
    /// the same pipeline with it.
    static func install(on channel: any Channel, door: FrontDoor) throws {
        try channel.pipeline.syncOperations.addHandler(FrontDoorHandler(door: door, allocator: channel.allocator))
    }

    /// `allocator`: the channel's, kept here because reaching it through the channel cost about
    /// 150 instructions each time.
    init(door: FrontDoor, allocator: ByteBufferAllocator) {
        self.door = door
        self.allocator = allocator
        self.pipelining = FrontDoorPipeline(
            maxQueuedBytes: door.limits.maxQueuedBytes,
            wait: ConnectionWait(openedAt: .now(), headerTimeout: door.limits.headerTimeout,
                                 idleTimeout: door.limits.idleTimeout))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        door.opened(self)
        perform(pipelining.connectionOpened(now: .now()))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timer?.cancel()
        timer = nil
        door.closed(self)
    }

    // MARK: reading

    func read(context: ChannelHandlerContext) {
        if pipelining.readRequested() { context.read() }
    }

    func hold(_ reasons: ReadHolds) {
        pipelining.hold(reasons)
    }

    func lift(_ reasons: ReadHolds) {
        if pipelining.lift(reasons) { context?.read() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data).joined(after: unread.take())
        do {
            while let part = try reader.next(&input) {
                switch consume part {
                case .head(var head, let framing):
                    // One that waits keeps its head's bytes apart from the buffer they were read
                    // into, which may be far larger: what waits is bounded by its own bytes.
                    if pipelining.nextHeadWaits { head.ownBytes() }
                    let headBytes = head.bytes.readableBytes
                    perform(pipelining.headReceived(ProxyExchange(head: consume head, framing: framing, client: self),
                                                    headBytes: headBytes))
                case .body(let body):
                    perform(pipelining.bodyReceived(body))
                case .end(let trailers):
                    perform(pipelining.endReceived(trailers))
                }
            }
        } catch {
            perform(pipelining.errorCaught(error))
        }
        if input.readableBytes > 0 { unread = input }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        pipelining.readComplete(now: .now())
        context.fireChannelReadComplete()
    }

    /// Something went wrong on the connection (a reset, say): the pipelining closes it.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        perform(pipelining.errorCaught(error))
    }

    /// Called when an answer ended: the next pipelined request may start.
    func answerEnded(_ exchange: ProxyExchange) {
        switch pipelining.answerEnded(exchange, now: .now()) {
        case .none:
            return
        case .ended(let read):
            if read { context?.read() }
        case .drain(let read):
            if read { context?.read() }
            while true {
                switch pipelining.nextQueued(now: .now()) {
                case .take(let action):
                    perform(action)
                case .done(let read):
                    if read { context?.read() }
                    return
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let open = pipelining.connectionClosed() {
            open.client = nil
            if !open.finished, !open.responseEnded { door.clientGone(open) }
        }
        timer?.cancel()
        timer = nil
        door.closed(self)
        context.fireChannelInactive()
    }

    // MARK: carrying out

    private func perform(_ action: FrontDoorPipeline<ProxyExchange>.InputAction) {
        switch action {
        case .none:
            return
        case .start(let exchange):
            start(exchange)
        case .body(let exchange, let body):
            guard !exchange.finished else { return }
            let holds = exchange.receivedBody(body)
            if !holds.isEmpty { hold(holds) }
        case .end(let exchange, let trailers, let read):
            if read { context?.read() }
            if !exchange.finished { exchange.receivedEnd(trailers: trailers) }
        case .callOff(let exchange):
            door.countMalformed()
            if exchange.finished { close() } else { door.malformedBody(exchange) }
        case .refuseMalformed:
            door.countMalformed()
            writeFinal(.badRequest)
        case .close:
            close()
        }
    }

    private func start(_ exchange: ProxyExchange) {
        if case .CONNECT = exchange.head.method, !door.limits.allowConnect {
            door.countConnectRefused()
            refuse(exchange, status: .methodNotAllowed, message: "CONNECT is not forwarded by this router")
        } else if !door.reserveBody(exchange.bodyAllowance) {
            refuse(exchange, status: .serviceUnavailable, message:
                "request bodies held by the router are at their limit (\(door.limits.bodyBudget) bytes)",
                   retryAfter: 1)
        } else {
            door.admit(exchange)
        }
    }

    /// Answers a request the router never sees.
    private func refuse(_ exchange: ProxyExchange, status: HTTPResponseStatus, message: String, retryAfter: Int? = nil) {
        exchange.finished = true
        fail(exchange, status: status, message: message, retryAfter: retryAfter)
    }

    /// Writes a bodiless answer that closes the connection once it is sent.
    private func writeFinal(_ status: HTTPResponseStatus) {
        guard context != nil else { return }
        let headers: HTTPHeaders = ["connection": "close", "content-length": "0"]
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        writeLastAndClose(HeadWire.response(head, allocator: allocator))
    }

    // MARK: timeouts

    private func perform(_ action: FrontDoorPipeline<ProxyExchange>.TimerAction) {
        switch action {
        case .none:
            return
        case .arm(let deadline):
            guard let context else { return }
            timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
                timer = nil
                guard self.context != nil else { return }
                perform(pipelining.timerFired(now: .now()))
            }
        case .headerTimedOut:
            door.countHeaderTimeout()
            writeFinal(.requestTimeout)
        case .idleTimedOut:
            door.countIdleTimeout()
            close()
        }
    }
}
