import NIOCore
import NIOHTTP1
import RouterEngine

/// One attempt to carry a client's request to a replica and stream the answer back.
///
/// Its phases are `UpstreamCallState` and when it reports is `CallReport`; this class carries out
/// what they decide.
final class UpstreamCall: Cancellable, UpstreamResponseReceiver {
    private let exchange: ProxyExchange
    private let pool: UpstreamPool
    /// The request's target on this replica (with its base path).
    private let upstreamTarget: String
    private let finished: (SendOutcome) -> Void
    private let models: ModelEvidenceReader
    /// The model the request asks for, if any.
    private let model: String?
    private var connection: UpstreamConnection?
    private var state = UpstreamCallState()
    private var report = CallReport<SendOutcome>()
    /// True when something was written to the client since the last flush.
    private var unflushed = false
    /// True while the upstream is not read because the client cannot take more yet.
    private var readingPaused = false

    init(exchange: ProxyExchange, pool: UpstreamPool, upstreamTarget: String, model: String?,
         models: ModelEvidenceReader, finished: @escaping (SendOutcome) -> Void) {
        self.exchange = exchange
        self.pool = pool
        self.upstreamTarget = upstreamTarget
        self.model = model
        self.models = models
        self.finished = finished
    }

    func start() {
        defer { report.startReturned() }
        if let connection = pool.takeIdle() {
            connected(connection)
            return
        }
        pool.connect { [self] result in
            switch result {
            case .failure:
                if let outcome = state.connectFailed() { deliver(outcome) }
            case .success(let connection):
                connected(connection)
            }
        }
    }

    private func connected(_ connection: UpstreamConnection) {
        switch state.connected(wanted: report.isOpen, canBeSent: exchange.canBeSentAgain) {
        case .release:
            pool.release(connection)
        case .releaseAndFail(let outcome):
            pool.release(connection)
            deliver(outcome)
        case .send:
            send(on: connection)
        }
    }

    private func send(on connection: UpstreamConnection) {
        self.connection = connection
        connection.receiver = self
        exchange.activeCall = self
        exchange.sendContinueIfAwaited()
        connection.writeHead(exchange.forwardedHead(target: upstreamTarget, reusing: connection.takeSpareHead(),
                                                    allocator: connection.allocator),
                             method: exchange.head.method)
        for part in exchange.bodyParts {
            writeBody(part, on: connection)
        }
        if exchange.bodyComplete, state.requestEnded() {
            writeEnd(on: connection)
        }
        connection.flush()
        exchange.bodyWasSent(upstreamWritable: connection.isWritable)
    }

    /// False while the replica's connection holds more unsent request body than its high-water mark.
    var upstreamIsWritable: Bool { connection?.isWritable ?? true }

    func forwardBody(_ part: ByteBuffer) {
        guard let connection, state.sendsRequest else { return }
        writeBody(part, on: connection)
        connection.flush()
    }

    func forwardEnd() {
        guard let connection, state.requestEnded() else { return }
        // A flush of nothing still costs a trip through the pipeline (about 1 000 instructions for
        // every GET).
        if writeEnd(on: connection) { connection.flush() }
    }

    private func writeBody(_ part: ByteBuffer, on connection: UpstreamConnection) {
        // An empty chunk would end a chunked body.
        guard part.readableBytes > 0 else { return }
        guard exchange.requestChunked else {
            connection.write(part)
            return
        }
        let (size, bytes, end) = ChunkedFraming.chunk(part, allocator: connection.allocator)
        connection.write(size)
        connection.write(bytes)
        connection.write(end)
    }

    /// Only a chunked body has an end on the wire (and trailers); any other ends with its length.
    /// True when it wrote one.
    @discardableResult
    private func writeEnd(on connection: UpstreamConnection) -> Bool {
        guard exchange.requestChunked else { return false }
        connection.write(ChunkedFraming.lastChunk(trailers: exchange.trailers, allocator: connection.allocator))
        return true
    }

    func cancel() {
        state.cancel()
        if report.cancel().wasRunning { detach()?.close() }
    }

    func upstreamHead(_ head: consuming ReplicaHead) {
        models.read(&head, model: model)
        // A refusal is swallowed so that the request goes to another replica. One that cannot be sent
        // again (part of a body too large to keep went to this replica) gets the answer as it is:
        // routed again, it could only fail, and the replica it went to would take the blame.
        let refused = head.status == .serviceUnavailable && head.contains(ReplicaHeaders.rejected)
        let refusal: Int?? = refused && exchange.canBeSentAgain
            ? .some(head.first(ReplicaHeaders.queueLength).flatMap { Int($0) }) : nil
        guard state.head(refusedWithQueueLength: refusal) else { return }
        exchange.client?.sendHead(head, for: exchange)
        unflushed = true
    }

    func upstreamBody(_ body: ByteBuffer) {
        guard state.passesAnswerOn, let client = exchange.client else { return }
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

    /// The replica's connection sent what it held: the client's body may flow again.
    func upstreamWritable() {
        exchange.client?.upstreamDrained()
    }

    func upstreamReadComplete() {
        guard unflushed else { return }
        unflushed = false
        exchange.client?.flush()
    }

    func upstreamEnd(trailers: HTTPHeaders?) {
        guard let action = state.answerEnded() else { return }
        let outcome: SendOutcome
        switch action {
        case .release(let ended):
            if let connection = detach() { pool.release(connection) }
            outcome = ended
        case .close(let ended):
            detach()?.close()
            outcome = ended
        }
        if outcome == .completed {
            unflushed = false
            exchange.client?.sendEnd(for: exchange, trailers: trailers)
        }
        deliver(outcome)
    }

    func upstreamClosed(brokenRule: WireError?) {
        _ = detach()
        guard let retryable = state.closed(idempotent: exchange.isIdempotent, bodyKept: exchange.canBeSentAgain) else { return }
        deliver(.closedMidAnswer(retryable: retryable, brokenRule: brokenRule))
    }

    private func detach() -> UpstreamConnection? {
        let connection = self.connection
        self.connection = nil
        connection?.receiver = nil
        if readingPaused {
            readingPaused = false
            connection?.setReading(true)
        }
        if exchange.activeCall === self {
            exchange.activeCall = nil
            // A body held back for this replica's connection may flow to the next one.
            exchange.client?.upstreamDrained()
        }
        return connection
    }

    private func deliver(_ outcome: SendOutcome) {
        switch report.outcome(outcome) {
        case .ignore:
            return
        case .reportNow(let outcome):
            finished(outcome)
        case .reportLater:
            pool.eventLoop.assumeIsolated().execute { [self] in
                if let outcome = report.deferredTurn() { finished(outcome) }
            }
        }
    }
}
