import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client for the control API: one request per connection, or one stream of lines.
public struct ControlClient: Sendable {
    public let target: AttachTarget
    public let group: any EventLoopGroup
    /// Headers sent with every request (who the operator is, read-only, a bearer token).
    public var headers: [(String, String)]

    /// How long the router may stay silent: no byte of an answer, or of a stream, for this long and
    /// the connection is given up (a stream then reconnects).
    public var readTimeout: TimeAmount

    /// The most a single answer or stream line may hold; a snapshot of thousands of replicas fits.
    static let maxBodyBytes = 64 * 1024 * 1024
    /// The read timeout unless one is given.
    public static let defaultReadTimeout: TimeAmount = .seconds(5)

    public init(
        target: AttachTarget, group: any EventLoopGroup, headers: [(String, String)] = [],
        readTimeout: TimeAmount = ControlClient.defaultReadTimeout
    ) {
        self.target = target
        self.group = group
        self.headers = headers
        self.readTimeout = readTimeout
    }

    /// The read timeout in words, for messages.
    var readTimeoutWords: String {
        let seconds = Double(readTimeout.nanoseconds) / 1e9
        return "no answer within \(seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)) s"
    }

    /// Sends one request and collects the whole answer: its status and body.
    public func send(method: String, target path: String, body: [UInt8] = []) -> EventLoopFuture<(status: Int, body: [UInt8])> {
        let loop = group.next()
        let promise = loop.makePromise(of: (status: Int, body: [UInt8]).self)
        let silence = readTimeoutWords
        connect(on: loop, handler: { ResponseCollector(promise: promise, silence: silence) })
            .whenComplete { result in
                switch result {
                case .failure(let error): promise.fail(error)
                case .success(let channel): write(method: method, path: path, body: body, to: channel)
                }
            }
        return promise.futureResult
    }

    /// Opens a stream: `onLine` gets each line of the answer's body, `onClose` once when it ends.
    public func stream(
        target path: String, onLine: @escaping @Sendable ([UInt8]) -> Void,
        onClose: @escaping @Sendable ((any Error)?) -> Void
    ) -> EventLoopFuture<any Channel> {
        let loop = group.next()
        let silence = readTimeoutWords
        let future = connect(on: loop, handler: { LineStreamReader(onLine: onLine, onClose: onClose, silence: silence) })
        future.whenSuccess { channel in write(method: "GET", path: path, body: [], to: channel) }
        future.whenFailure { onClose($0) }
        return future
    }

    /// Sends one request and gives up after `seconds`: the answer, or why there was none.
    public func answer(
        method: String, target path: String, body: [UInt8] = [], within seconds: Int64 = 5
    ) -> Result<(status: Int, body: [UInt8]), ControlClientError> {
        let future = send(method: method, target: path, body: body)
        let deadline = future.eventLoop.makePromise(of: (status: Int, body: [UInt8]).self)
        // The answer and the timer race; whichever comes first completes the promise, once.
        let settled = NIOLockedValueBox(false)
        @Sendable func first() -> Bool {
            settled.withLockedValue { done in
                let wasFirst = !done
                done = true
                return wasFirst
            }
        }
        let timer = future.eventLoop.scheduleTask(in: .seconds(seconds)) {
            guard first() else { return }
            deadline.fail(ControlClientError(description: "no answer within \(seconds) s"))
        }
        future.whenComplete { result in
            timer.cancel()
            guard first() else { return }
            deadline.completeWith(result)
        }
        do {
            return .success(try deadline.futureResult.wait())
        } catch {
            return .failure(ControlClientError(description: Self.words(error)))
        }
    }

    /// An I/O failure in the words an operator reads (`connection refused`).
    public static func words(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        if let error = error as? ControlClientError { return error.description }
        if let error = error as? ChannelError, case .connectTimeout = error { return "no answer within 2 s" }
        return "\(error)"
    }

    private func connect<H: ChannelInboundHandler>(
        on loop: any EventLoop, handler: @escaping @Sendable () -> H
    ) -> EventLoopFuture<any Channel> where H.InboundIn == HTTPClientResponsePart {
        let readTimeout = readTimeout
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(2))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // A router that accepts and never answers must not hold the client for ever.
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: readTimeout))
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler())
                }
            }
        switch target {
        case .unixSocket(let path): return bootstrap.connect(unixDomainSocketPath: path)
        case .tcp(let host, let port): return bootstrap.connect(host: host, port: port)
        }
    }

    private func write(method: String, path: String, body: [UInt8], to channel: any Channel) {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
        head.headers.add(name: "host", value: "routertop")
        head.headers.add(name: "connection", value: "close")
        head.headers.add(name: "content-length", value: String(body.count))
        if !body.isEmpty { head.headers.add(name: "content-type", value: "application/json") }
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if !body.isEmpty {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }
}

/// An answer that ended early or grew too large.
public struct ControlClientError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The router's answer when it refused the request (a stream's status other than 200).
    public var status: Int?

    public init(description: String, status: Int? = nil) {
        self.description = description
        self.status = status
    }
}

/// Collects one whole answer.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    private let promise: EventLoopPromise<(status: Int, body: [UInt8])>
    private var status = 0
    private var body: [UInt8] = []
    private var finished = false
    /// The failure when the router goes silent, in words.
    private let silence: String

    init(promise: EventLoopPromise<(status: Int, body: [UInt8])>, silence: String) {
        self.promise = promise
        self.silence = silence
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            return context.fireUserInboundEventTriggered(event)
        }
        if !finished { promise.fail(ControlClientError(description: silence)) }
        finished = true
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
            if body.count > ControlClient.maxBodyBytes {
                finished = true
                promise.fail(ControlClientError(description: "the answer is over \(ControlClient.maxBodyBytes) bytes"))
                context.close(promise: nil)
            }
        case .end:
            if !finished { promise.succeed((status, body)) }
            finished = true
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished { promise.fail(ControlClientError(description: "the router closed the connection before answering")) }
        finished = true
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !finished { promise.fail(error) }
        finished = true
        context.close(promise: nil)
    }
}

/// Splits a streamed answer into lines.
private final class LineStreamReader: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    private let onLine: @Sendable ([UInt8]) -> Void
    private let onClose: @Sendable ((any Error)?) -> Void
    private var partial: [UInt8] = []
    private var failure: (any Error)?
    private let silence: String

    init(onLine: @escaping @Sendable ([UInt8]) -> Void, onClose: @escaping @Sendable ((any Error)?) -> Void,
         silence: String) {
        self.onLine = onLine
        self.onClose = onClose
        self.silence = silence
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            return context.fireUserInboundEventTriggered(event)
        }
        failure = failure ?? ControlClientError(description: silence)
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.status != .ok {
                failure = ControlClientError(description: "the router answered \(head.status.code)",
                                             status: Int(head.status.code))
                context.close(promise: nil)
            }
        case .body(let buffer):
            var bytes = buffer.readableBytesView[...]
            while let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                partial.append(contentsOf: bytes[..<newline])
                if !partial.isEmpty { onLine(partial) }
                partial.removeAll(keepingCapacity: true)
                bytes = bytes[bytes.index(after: newline)...]
            }
            partial.append(contentsOf: bytes)
            if partial.count > ControlClient.maxBodyBytes {
                failure = ControlClientError(description: "a line is over \(ControlClient.maxBodyBytes) bytes")
                context.close(promise: nil)
            }
        case .end:
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose(failure)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failure = failure ?? error
        context.close(promise: nil)
    }
}
