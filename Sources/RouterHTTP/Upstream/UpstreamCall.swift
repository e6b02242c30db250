import NIOCore
import NIOHTTP1
import RouterEngine

/// One attempt to carry a client's request to a replica and stream the answer back.
final class UpstreamCall: Cancellable, UpstreamResponseReceiver {
    private let exchange: ProxyExchange
    private let pool: UpstreamPool
    private let upstreamHead: HTTPRequestHead
    private var finished: ((SendOutcome) -> Void)?
    private var connection: UpstreamConnection?
    private var requestEnded = false
    /// Set when the replica answered "full": the answer is swallowed and the request goes elsewhere.
    private var rejection: Int??
    private var starting = true
    private var deferred = false
    /// True when something was written to the client since the last flush.
    private var unflushed = false
    /// True while the upstream is not read because the client cannot take more yet.
    private var readingPaused = false

    init(exchange: ProxyExchange, pool: UpstreamPool, upstreamHead: HTTPRequestHead,
         finished: @escaping (SendOutcome) -> Void) {
        self.exchange = exchange
        self.pool = pool
        self.upstreamHead = upstreamHead
        self.finished = finished
    }

    func start() {
        // `starting` stays true while attaching, so a failure found now is reported later.
        if let connection = pool.takeIdle() {
            attach(connection)
            starting = false
            return
        }
        pool.connect { [self] result in
            switch result {
            case .failure:
                // Nothing reached the replica. Reported as a refusal: it costs no re-route, and the
                // router takes the replica as full, so it probes it (and finds it unavailable)
                // instead of trusting a cached length that says it is idle.
                report(.rejected(queueLength: nil))
            case .success(let connection):
                guard finished != nil else {
                    pool.release(connection)
                    return
                }
                attach(connection)
            }
        }
        starting = false
    }

    private func attach(_ connection: UpstreamConnection) {
        guard exchange.canBeSentAgain else {
            // An earlier replica took part of a body too large to keep: it cannot be sent again.
            pool.release(connection)
            report(.failedMidResponse(retryable: false))
            return
        }
        self.connection = connection
        connection.receiver = self
        exchange.activeCall = self
        connection.write(.head(upstreamHead))
        for part in exchange.bodyParts {
            connection.write(.body(.byteBuffer(part)))
        }
        exchange.bodyWasSent()
        if exchange.bodyComplete {
            connection.write(.end(nil))
            requestEnded = true
        }
        connection.flush()
    }

    func forwardBody(_ part: ByteBuffer) {
        guard let connection, !requestEnded else { return }
        connection.write(.body(.byteBuffer(part)))
        connection.flush()
    }

    func forwardEnd() {
        guard let connection, !requestEnded else { return }
        requestEnded = true
        connection.write(.end(nil))
        connection.flush()
    }

    func cancel() {
        finished = nil
        detach()?.close()
    }

    func upstreamHead(_ head: HTTPResponseHead) {
        if head.status == .serviceUnavailable, head.headers.contains(name: ReplicaHeaders.rejected) {
            rejection = .some(head.headers.first(name: ReplicaHeaders.queueLength).flatMap { Int($0) })
            return
        }
        exchange.client?.sendHead(head, for: exchange)
        unflushed = true
    }

    func upstreamBody(_ body: ByteBuffer) {
        guard rejection == nil else { return }
        guard let client = exchange.client else { return }
        client.sendBody(body, for: exchange)
        unflushed = true
        if !client.isWritable, !readingPaused, let connection {
            // Pause first: the flush may make the client writable again at once (and say so).
            readingPaused = true
            connection.setReading(false)
            unflushed = false
            client.flush()
            if client.isWritable { clientWritable() }
        }
    }

    /// The client drained what it was sent: read on.
    func clientWritable() {
        guard readingPaused, let connection else { return }
        readingPaused = false
        connection.setReading(true)
    }

    func upstreamReadComplete() {
        guard unflushed else { return }
        unflushed = false
        exchange.client?.flush()
    }

    func upstreamEnd() {
        let requestEnded = self.requestEnded
        if let connection = detach() {
            if requestEnded { pool.release(connection) } else { connection.close() }
        }
        if let rejection {
            report(.rejected(queueLength: rejection))
        } else {
            unflushed = false
            exchange.client?.sendEnd(for: exchange)
            report(.completed)
        }
    }

    func upstreamClosed() {
        _ = detach()
        report(.failedMidResponse(
            retryable: exchange.isIdempotent && !exchange.responseStarted && exchange.canBeSentAgain
        ))
    }

    private func detach() -> UpstreamConnection? {
        let connection = self.connection
        self.connection = nil
        connection?.receiver = nil
        if readingPaused {
            readingPaused = false
            connection?.setReading(true)
        }
        if exchange.activeCall === self { exchange.activeCall = nil }
        return connection
    }

    private func report(_ outcome: SendOutcome) {
        guard finished != nil, !deferred else { return }
        if starting {
            deferred = true
            pool.eventLoop.assumeIsolated().execute { [self] in
                guard let finished else { return }
                self.finished = nil
                finished(outcome)
            }
        } else if let finished {
            self.finished = nil
            finished(outcome)
        }
    }
}
