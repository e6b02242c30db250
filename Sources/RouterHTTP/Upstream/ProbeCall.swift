import NIOCore
import NIOHTTP1
import RouterEngine

/// One queue-length probe of an HTTP replica.
///
/// What it heard is `ProbeCallState` and when it reports is `CallReport`; this class does the I/O.
final class ProbeCall: Cancellable, UpstreamResponseReceiver {
    private let pool: UpstreamPool
    private let head: HTTPRequestHead
    private let answer: (ProbeAnswer) -> Void
    private var connection: UpstreamConnection?
    private var state = ProbeCallState()
    private var report = CallReport<ProbeAnswer>()

    init(pool: UpstreamPool, path: String, hostHeader: String, answer: @escaping (ProbeAnswer) -> Void) {
        self.pool = pool
        var headers = HTTPHeaders()
        headers.add(name: "host", value: hostHeader)
        headers.add(name: "accept", value: "application/json")
        self.head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        self.answer = answer
    }

    func start() {
        defer { report.startReturned() }
        pool.acquire { [self] result in
            switch result {
            case .failure:
                if let answer = state.closed() { deliver(answer) }
            case .success(let connection):
                guard report.isOpen else {
                    pool.release(connection)
                    return
                }
                self.connection = connection
                connection.receiver = self
                connection.writeHead(HeadWire.request(head, allocator: connection.allocator), method: head.method)
                connection.flush()
            }
        }
    }

    func cancel() {
        guard report.cancel().wasRunning else { return }
        connection?.close()
        connection = nil
    }

    func upstreamHead(_ head: consuming ReplicaHead) {
        state.head(head.status)
    }

    func upstreamBody(_ body: ByteBuffer) {
        state.body(body.readableBytesView)
    }

    func upstreamReadComplete() {}

    func upstreamWritable() {}

    func upstreamEnd(trailers: HTTPHeaders?) {
        if let connection { pool.release(connection) }
        connection = nil
        if let answer = state.ended() { deliver(answer) }
    }

    func upstreamClosed(brokenRule: WireError?) {
        connection = nil
        if let answer = state.closed() { deliver(answer) }
    }

    private func deliver(_ result: ProbeAnswer) {
        switch report.outcome(result) {
        case .ignore:
            return
        case .reportNow(let result):
            answer(result)
        case .reportLater:
            pool.eventLoop.assumeIsolated().execute { [self] in
                if let result = report.deferredTurn() { answer(result) }
            }
        }
    }
}
