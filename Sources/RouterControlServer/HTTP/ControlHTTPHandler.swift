import Foundation
import NIOCore
import NIOHTTP1
import RouterAPI

/// Reads control API requests on one connection and answers them, one at a time.
///
/// A body over 64 KiB is refused as soon as it is known to be too long, and nothing is done.
/// Back-pressure: a request is answered only while the connection's unwritten answers are under
/// its high-water mark, and then on a later turn of the event loop, so a client that pipelines
/// without reading holds at most one answer over the mark, and other connections take their turns
/// between its answers. HTTP pipelining holds later requests unread until this one is answered.
final class ControlHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Where the connection came from: the Unix socket, or TCP with the configured tokens.
    enum Listener: Sendable {
        case unixSocket
        case tcp(tokens: AdminTokens?)
    }

    private enum State {
        case idle
        case reading(HTTPRequestHead, ByteBuffer)
        /// The body is too long: the rest is read and dropped, then the problem is answered.
        case discarding(HTTPRequestHead, ControlEndpoint.Problem)
        /// Whole, and waiting for room among the unwritten answers and for its turn.
        case waiting(HTTPRequestHead, Data)
        case answering
        case streaming(SnapshotStreamer)
    }

    private let service: ControlService
    private let listener: Listener
    /// Closes the connection when it waits too long for a request; told when requests arrive and end.
    private let timer: ControlConnectionTimer
    private var state = State.idle
    private var login: EventLoopFuture<String>?
    /// The session of the attached dashboard whose snapshot stream this connection carries.
    private var streamSession: String?

    init(service: ControlService, listener: Listener, timer: ControlConnectionTimer) {
        self.service = service
        self.listener = listener
        self.timer = timer
    }

    func channelActive(context: ChannelHandlerContext) {
        if case .unixSocket = listener { login = PeerLogin.of(context.channel) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .streaming(let streamer) = state { streamer.stop() }
        if let streamSession { service.sessionEnded(streamSession) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .idle):
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > StrictJSON.maxBodyBytes {
                state = .discarding(head, tooLong(length))
            } else {
                state = .reading(head, context.channel.allocator.buffer(capacity: 0))
            }
        case (.body(var chunk), .reading(let head, var body)):
            if body.readableBytes + chunk.readableBytes > StrictJSON.maxBodyBytes {
                state = .discarding(head, tooLong(body.readableBytes + chunk.readableBytes))
            } else {
                body.writeBuffer(&chunk)
                state = .reading(head, body)
            }
        case (.end, .reading(let head, let body)):
            state = .waiting(head, Data(body.readableBytesView))
            timer.requestReceived()
            answerWhenRoom(context: context)
        case (.end, .discarding(let head, let problem)):
            state = .answering
            timer.requestReceived()
            write(.problem(problem), keepAlive: false, head: head, context: context)
        case (.body, .discarding):
            break
        default:
            // A request while another is answered or streamed: HTTP pipelining is not used by clients here.
            context.close(promise: nil)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        answerWhenRoom(context: context)
        context.fireChannelWritabilityChanged()
    }

    /// Answers the waiting request on the event loop's next turn, once the connection has room.
    private func answerWhenRoom(context: ChannelHandlerContext) {
        guard case .waiting = state, context.channel.isWritable else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let (handler, context) = bound.value
            // The client may have gone meanwhile: its work is dropped, not done.
            guard case .waiting(let head, let body) = handler.state, context.channel.isActive,
                  context.channel.isWritable else { return }
            handler.state = .answering
            handler.dispatch(head, body: body, context: context)
        }
    }

    /// Malformed input: the protocol error handler answered 400 with `Connection: close`, and
    /// nothing more is read, so the connection ends here rather than holding its place.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            service.metrics?.connectionClosed(.badRequest)
        }
        context.close(promise: nil)
    }

    private func tooLong(_ bytes: Int) -> ControlEndpoint.Problem {
        ControlEndpoint.Problem(status: 400, message: "the body is over \(StrictJSON.maxBodyBytes) bytes (\(bytes) or more)")
    }

    private func dispatch(_ head: HTTPRequestHead, body: Data, context: ChannelHandlerContext) {
        let endpoint: ControlEndpoint
        switch ControlEndpoint.parse(method: head.method.rawValue, target: head.uri) {
        case .failure(let problem):
            write(.problem(problem), keepAlive: head.isKeepAlive, head: head, context: context)
            return
        case .success(let parsed): endpoint = parsed
        }
        let loop = context.eventLoop
        let loginFuture = login ?? loop.makeSucceededFuture("")
        let listener = self.listener
        let remote = context.channel.remoteAddress
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        loginFuture.whenSuccess { login in
            let (handler, context) = bound.value
            guard context.channel.isActive else { return }
            let transport: ControlTransport
            let tokens: AdminTokens?
            switch listener {
            case .unixSocket:
                transport = .unixSocket(login: login)
                tokens = nil
            case .tcp(let configured):
                transport = .tcp(address: remote?.ipAddress ?? "unknown", loopback: remote.map(Self.isLoopback) ?? false)
                tokens = configured
            }
            let decision = AccessPolicy.decide(
                isWrite: endpoint.isWrite, transport: transport,
                authorization: head.headers.first(name: "authorization"),
                claimedAddress: head.headers.first(name: "x-routertop-client-address").flatMap { $0.isEmpty ? nil : $0 },
                readOnlyClient: head.headers.first(name: "x-routertop-readonly") == "1",
                tokens: tokens
            )
            switch decision {
            case .deny(let status, let message):
                handler.write(.problem(status, message), keepAlive: head.isKeepAlive, head: head, context: context)
            case .allow(var caller):
                caller.origin.via = head.headers.first(name: "x-routertop-via") == "attach" ? .attach : .api
                caller.origin.uid = PeerLogin.uid(of: caller.origin.user, transport: transport)
                caller.session = head.headers.first(name: "x-routertop-session").flatMap { $0.isEmpty ? nil : $0 }
                switch RolloutMark.parse(id: head.headers.first(name: RolloutMark.idHeader),
                                         targets: head.headers.first(name: RolloutMark.targetsHeader)) {
                case .failure(let problem):
                    handler.write(.problem(problem), keepAlive: head.isKeepAlive, head: head, context: context)
                    return
                case .success(let rollout): caller.origin.rollout = rollout
                }
                handler.answer(endpoint, body: body, caller: caller, head: head, context: context)
            }
        }
    }

    private func answer(
        _ endpoint: ControlEndpoint, body: Data, caller: ControlCaller, head: HTTPRequestHead,
        context: ChannelHandlerContext
    ) {
        let stream: (interval: Int, view: SnapshotView)?
        switch endpoint {
        case .snapshots(let interval): stream = (interval, .full)
        case .summaries(let interval): stream = (interval, .summary)
        case .deltas(let interval): stream = (interval, .delta)
        default: stream = nil
        }
        if let stream {
            let streamer = SnapshotStreamer(control: service.control, channel: context.channel,
                                            interval: .milliseconds(Int64(stream.interval)), metrics: service.metrics,
                                            view: stream.view)
            state = .streaming(streamer)
            streamSession = caller.session
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: "application/x-ndjson")
            headers.add(name: "cache-control", value: "no-store")
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))),
                                  promise: nil)
            streamer.start()
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        service.respond(to: endpoint, body: body, caller: caller, on: context.eventLoop).whenSuccess { response in
            let (handler, context) = bound.value
            guard context.channel.isActive else { return }
            handler.write(response, keepAlive: head.isKeepAlive, head: head, context: context)
        }
    }

    private func write(_ response: ControlResponse, keepAlive: Bool, head: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: response.contentType)
        headers.add(name: "content-length", value: String(response.body.count))
        if !keepAlive { headers.add(name: "connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))),
                      promise: nil)
        // Idle before the end is written: writing it hands over the next pipelined request at once.
        state = .idle
        if keepAlive { timer.answered() }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    static func isLoopback(_ address: SocketAddress) -> Bool {
        guard let ip = address.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
