import NIOCore
import NIOHTTP1
import RouterEngine

/// One queue-length probe of an HTTP replica.
final class ProbeCall: Cancellable, UpstreamResponseReceiver {
    private let pool: UpstreamPool
    private let head: HTTPRequestHead
    private var answer: ((ProbeAnswer) -> Void)?
    private var connection: UpstreamConnection?
    private var status: HTTPResponseStatus?
    private var body: [UInt8] = []
    /// True while `start` runs, so an answer found then is delivered later, never inside the call.
    private var starting = true
    private var deferred = false
    private static let maxBody = 4096

    init(pool: UpstreamPool, path: String, hostHeader: String, answer: @escaping (ProbeAnswer) -> Void) {
        self.pool = pool
        var headers = HTTPHeaders()
        headers.add(name: "host", value: hostHeader)
        headers.add(name: "accept", value: "application/json")
        self.head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        self.answer = answer
    }

    func start() {
        pool.acquire { [self] result in
            switch result {
            case .failure:
                deliver(.unavailable)
            case .success(let connection):
                guard answer != nil else {
                    pool.release(connection)
                    return
                }
                self.connection = connection
                connection.receiver = self
                connection.write(.head(head))
                connection.write(.end(nil))
                connection.flush()
            }
        }
        starting = false
    }

    func cancel() {
        answer = nil
        connection?.close()
        connection = nil
    }

    func upstreamHead(_ head: HTTPResponseHead) {
        status = head.status
    }

    func upstreamBody(_ body: ByteBuffer) {
        guard self.body.count + body.readableBytes <= Self.maxBody else { return }
        self.body.append(contentsOf: body.readableBytesView)
    }

    func upstreamReadComplete() {}

    func upstreamEnd() {
        if let connection { pool.release(connection) }
        connection = nil
        switch status {
        case .ok:
            deliver(QueueLengthReply.answer(in: body) ?? .unavailable)
        case .notFound:
            deliver(.unsupported)
        default:
            deliver(.unavailable)
        }
    }

    func upstreamClosed() {
        connection = nil
        deliver(.unavailable)
    }

    private func deliver(_ result: ProbeAnswer) {
        guard answer != nil, !deferred else { return }
        if starting {
            deferred = true
            pool.eventLoop.assumeIsolated().execute { [self] in
                // A cancel in between silences the answer.
                guard let answer else { return }
                self.answer = nil
                answer(result)
            }
        } else if let answer {
            self.answer = nil
            answer(result)
        }
    }
}
