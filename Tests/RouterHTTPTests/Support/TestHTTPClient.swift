import NIOCore
import NIOHTTP1
import NIOPosix

/// A response as a test client saw it.
struct TestResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: String
    /// False when the connection closed before the response ended.
    var complete: Bool
}

/// What a test client got: a response, or a connection closed with no response at all.
enum TestOutcome: Sendable {
    case response(TestResponse)
    case closedWithoutResponse

    var status: HTTPResponseStatus? {
        if case .response(let response) = self, response.complete { return response.status }
        return nil
    }

    var response: TestResponse? {
        if case .response(let response) = self { return response }
        return nil
    }
}

/// A one-request-per-connection HTTP client for tests.
enum TestHTTPClient {
    static func send(
        _ method: HTTPMethod = .GET, port: Int, path: String = "/", body: String? = nil,
        headers extra: [(String, String)] = [], on group: any EventLoopGroup
    ) async throws -> TestOutcome {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: TestOutcome.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                    }
                }
                .connect(host: "127.0.0.1", port: port)
                .get()
        } catch {
            // An unfulfilled promise is a fatal error in NIO's debug builds: a failed connect must
            // fail the test, not crash the whole test process.
            promise.fail(error)
            throw error
        }
        var headers = HTTPHeaders()
        headers.add(name: "host", value: "127.0.0.1:\(port)")
        headers.add(name: "connection", value: "close")
        for (name, value) in extra { headers.add(name: name, value: value) }
        if let body { headers.add(name: "content-length", value: String(body.utf8.count)) }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let outcome = try await promise.futureResult.get()
        try? await channel.close()
        return outcome
    }

    /// Opens a connection, sends a request head and closes it before any answer.
    static func sendAndLeave(port: Int, path: String = "/", on group: any EventLoopGroup) async throws {
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        var headers = HTTPHeaders()
        headers.add(name: "host", value: "127.0.0.1:\(port)")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
        try await channel.close()
    }
}

private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<TestOutcome>
    private var head: HTTPResponseHead?
    private var body = ""
    private var done = false

    init(promise: EventLoopPromise<TestOutcome>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(let buffer):
            body += String(buffer: buffer)
        case .end:
            finish(complete: true)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(complete: false)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func finish(complete: Bool) {
        guard !done else { return }
        done = true
        if let head {
            promise.succeed(.response(TestResponse(status: head.status, headers: head.headers, body: body,
                                                   complete: complete)))
        } else {
            promise.succeed(.closedWithoutResponse)
        }
    }
}
