import NIOCore
import NIOHTTP1

/// Serves one connection of a `ReplicaServer`: work, the queue-length endpoint and fault switches.
final class ReplicaServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: ReplicaServerState
    private var head: HTTPRequestHead?

    init(state: ReplicaServerState) {
        self.state = state
    }

    func channelActive(context: ChannelHandlerContext) {
        state.connections[ObjectIdentifier(context.channel)] = context.channel
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.connections[ObjectIdentifier(context.channel)] = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            handle(head, context: context)
        }
    }

    private func handle(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let (path, query) = Self.split(head.uri)
        if path == state.configuration.queueLengthPath {
            if state.configuration.answersQueueLength {
                answerProbe(head, context: context)
            } else {
                respond(head, status: .notFound, body: "no queue-length endpoint here\n", context: context)
            }
        } else if path.hasPrefix("/-/fault/") {
            switchFault(String(path.dropFirst("/-/fault/".count)), query: query, head: head, context: context)
        } else {
            work(head, context: context)
        }
    }

    private func answerProbe(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        state.probes += 1
        if state.faults.unavailable {
            respond(head, status: .serviceUnavailable, body: "unavailable\n", context: context)
            return
        }
        if state.faults.pageProbe {
            respond(head, status: .ok, body: "<!doctype html><html><body>It works!</body></html>\n",
                    contentType: "text/html", context: context)
            return
        }
        let reply = { [state] in state.queueLengthReply() }
        guard let delay = state.faults.slowProbe else {
            respond(head, status: .ok, body: reply(), contentType: "application/json", context: context)
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(delay.nanosecondsClampedForNIO)) { [self] in
            respond(head, status: .ok, body: reply(), contentType: "application/json", context: context)
        }
    }

    private func switchFault(
        _ name: String, query: Substring, head: HTTPRequestHead, context: ChannelHandlerContext
    ) {
        guard head.method == .POST else {
            respond(head, status: .methodNotAllowed, body: "fault switches take POST\n", context: context)
            return
        }
        switch name {
        case "slow-probe":
            guard let text = Self.parameter("ms", in: query), let ms = Int(text), ms >= 0 else {
                respond(head, status: .badRequest, body: "slow-probe needs ms=N (whole milliseconds, >= 0)\n",
                        context: context)
                return
            }
            state.faults.slowProbe = .milliseconds(ms)
        case "unavailable":
            state.faults.unavailable = true
        case "drop":
            state.faults.drop = true
        case "truncate":
            state.faults.truncate = true
        case "page-probe":
            state.faults.pageProbe = true
        case "recover":
            state.faults = ReplicaServerFaults()
        case "crash":
            respond(head, status: .ok, body: "crashing\n", context: context)
            context.eventLoop.assumeIsolated().execute { [state] in state.crash() }
            return
        default:
            respond(head, status: .notFound,
                    body: "unknown fault \(name); known: slow-probe, unavailable, drop, truncate, page-probe, crash, recover\n",
                    context: context)
            return
        }
        respond(head, status: .ok, body: "ok\n", context: context)
    }

    private func work(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard state.ongoing < state.configuration.maxOngoing else {
            state.rejected += 1
            var headers = HTTPHeaders()
            headers.add(name: ReplicaHeaders.rejected, value: "1")
            headers.add(name: ReplicaHeaders.queueLength, value: String(state.ongoing))
            respond(head, status: .serviceUnavailable, body: "full\n", extraHeaders: headers, context: context)
            return
        }
        state.ongoing += 1
        let modelWait = state.modelWait(for: MultiplexedModelHeader.model(in: head.headers))
        context.eventLoop.assumeIsolated().scheduleTask(in: state.drawServiceTime() + modelWait) { [self, state] in
            state.ongoing -= 1
            guard !state.crashed else { return }
            if state.faults.drop {
                context.close(promise: nil)
                return
            }
            if state.faults.truncate {
                truncate(head, context: context)
                return
            }
            state.served += 1
            if let text = Self.parameter("bytes", in: Self.split(head.uri).query), let size = Int(text), size >= 0 {
                sendBlob(head, size: min(size, 1 << 30), context: context)
                return
            }
            // Echoed so a caller can see the id the router attached.
            var echo = HTTPHeaders()
            if let id = head.headers.first(name: RequestIDHeader.name) { echo.add(name: RequestIDHeader.name, value: id) }
            respond(head, status: .ok, body: "ok \(head.uri)\n", extraHeaders: echo, context: context)
        }
    }

    /// A body of `size` bytes in 64 KiB parts, for streaming tests (`?bytes=N`).
    private func sendBlob(_ request: HTTPRequestHead, size: Int, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        state.tellModels(in: &headers)
        headers.add(name: "content-type", value: "application/octet-stream")
        headers.add(name: "content-length", value: String(size))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: .ok, headers: headers))),
                      promise: nil)
        let part = ByteBuffer(repeating: UInt8(ascii: "x"), count: 65_536)
        var left = size
        while left > 0 {
            let count = min(left, part.readableBytes)
            context.write(wrapOutboundOut(.body(.byteBuffer(part.getSlice(at: 0, length: count)!))), promise: nil)
            left -= count
        }
        if request.isKeepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private func truncate(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        state.tellModels(in: &headers)
        headers.add(name: "content-length", value: "1000")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "partial")))), promise: nil)
        context.flush()
        context.close(promise: nil)
    }

    private func respond(
        _ request: HTTPRequestHead, status: HTTPResponseStatus, body: String,
        contentType: String = "text/plain", extraHeaders: HTTPHeaders = [:], context: ChannelHandlerContext
    ) {
        guard context.channel.isActive else { return }
        var headers = extraHeaders
        state.tellModels(in: &headers)
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(body.utf8.count))
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status,
                                                             headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))),
                      promise: nil)
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    static func split(_ uri: String) -> (path: Substring, query: Substring) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri[...], "") }
        return (uri[..<mark], uri[uri.index(after: mark)...])
    }

    static func parameter(_ name: String, in query: Substring) -> Substring? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 && parts[0] == name { return parts[1] }
        }
        return nil
    }
}
