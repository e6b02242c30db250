import NIOCore
import NIOHTTP1

/// The pipelining of one client connection, as a pure state machine: the connection reports each
/// event (a request part arrived, the input stopped parsing, an answer ended, a read was asked for,
/// the timer fired, the connection closed) and carries out the action returned.
///
/// One request is answered at a time. Input that arrives behind the answer in progress waits, in
/// order, and is taken when that answer ends; past `maxQueuedBytes` of it the client is not read.
/// Generic over the request it starts, so that it is tested without a connection.
struct FrontDoorPipeline<Exchange: AnyObject> {
    enum State {
        /// No request: the next head starts one at once.
        case idle
        /// A request's head arrived and its body is arriving; its answer has not ended.
        case receiving(Exchange)
        /// All of the request arrived (or its body stopped parsing); its answer has not ended.
        case answering(Exchange)
        /// The connection closed: nothing more is done.
        case closed
    }

    /// What to do with input taken now.
    enum InputAction {
        /// Nothing: the input waits behind the answer in progress, or needs nothing.
        case none
        /// Admit (or refuse) the request.
        case start(Exchange)
        /// Pass a part of the request's body on.
        case body(Exchange, ByteBuffer)
        /// The request's body ended: read the client first when `read`, then pass the end on.
        case end(Exchange, trailers: HTTPHeaders?, read: Bool)
        /// The request's body did not parse: call the request off (400, or cut if its answer started).
        case callOff(Exchange)
        /// A request did not parse: answer 400 and close.
        case refuseMalformed
        /// Close the connection without an answer.
        case close
    }

    /// What to do once an answer ended.
    enum AnswerEndedAction: Equatable {
        /// Nothing: the connection closed.
        case none
        /// Nothing waits: read the client when `read`.
        case ended(read: Bool)
        /// Read the client when `read`, then take what waits with `nextQueued` until it says done.
        case drain(read: Bool)
    }

    /// One step of taking the input that waited behind an answer.
    enum DrainStep {
        /// Carry this out, then ask for the next step.
        case take(InputAction)
        /// Nothing more can be taken now: read the client when `read`.
        case done(read: Bool)
    }

    /// What the connection's timer does.
    enum TimerAction: Equatable {
        case none
        case arm(at: NIODeadline)
        /// No whole request head came in time: answer 408 and close (the client is not read again).
        case headerTimedOut
        /// No request came in time on a kept-alive connection: close it.
        case idleTimedOut
    }

    /// Input that arrived behind the answer in progress.
    private enum Queued {
        case head(Exchange, bytes: Int)
        case body(ByteBuffer)
        case end(HTTPHeaders?)
        /// The input stopped parsing here.
        case malformed(HTTPParserError)

        /// Roughly the bytes it holds.
        var bytes: Int {
            switch self {
            case .head(_, let bytes): bytes
            case .body(let body): body.readableBytes
            case .end, .malformed: 16
            }
        }
    }

    private(set) var state = State.idle
    private var queued = CircularBuffer<Queued>()
    /// Roughly the bytes `queued` holds.
    private(set) var queuedBytes = 0
    let maxQueuedBytes: Int
    private var gate = ReadGate()
    private var wait: ConnectionWait
    /// True while the queue is being taken: an answer that ends meanwhile does not take it again.
    private var draining = false
    /// True once the input stopped parsing: a later error changes nothing (the connection closes
    /// once the answers before it went out).
    private var malformedSeen = false

    init(maxQueuedBytes: Int, wait: ConnectionWait) {
        self.maxQueuedBytes = maxQueuedBytes
        self.wait = wait
    }

    /// The request whose answer has not ended.
    var current: Exchange? {
        switch state {
        case .receiving(let exchange), .answering(let exchange): exchange
        case .idle, .closed: nil
        }
    }

    /// Whether a head received now would wait behind what came before it (or be dropped, once
    /// closed) rather than start at once.
    var nextHeadWaits: Bool {
        guard case .idle = state else { return true }
        return !queued.isEmpty
    }

    /// Why the client is not read now.
    var readHolds: ReadHolds { gate.holds }

    // MARK: reading

    /// The channel asks to read: true when it may now; otherwise it reads once the holds are lifted.
    mutating func readRequested() -> Bool {
        gate.askToRead()
    }

    mutating func hold(_ reasons: ReadHolds) {
        gate.hold(reasons)
    }

    /// Lifts holds; true when a read waited and may go ahead now.
    mutating func lift(_ reasons: ReadHolds) -> Bool {
        gate.lift(reasons)
    }

    /// A read ended; `now` is read only when the connection is between requests.
    mutating func readComplete(now: @autoclosure () -> NIODeadline) {
        if case .idle = state { wait.bytesArrived(at: now()) }
    }

    // MARK: input

    /// A request's head arrived, `headBytes` long.
    mutating func headReceived(_ exchange: Exchange, headBytes: Int) -> InputAction {
        guard !isClosed else { return .none }
        if queued.isEmpty, let action = start(exchange) { return action }
        enqueue(.head(exchange, bytes: headBytes))
        return .none
    }

    mutating func bodyReceived(_ body: ByteBuffer) -> InputAction {
        guard !isClosed else { return .none }
        guard queued.isEmpty else {
            enqueue(.body(body))
            return .none
        }
        return take(body: body)
    }

    mutating func endReceived(_ trailers: HTTPHeaders?) -> InputAction {
        guard !isClosed else { return .none }
        guard queued.isEmpty else {
            enqueue(.end(trailers))
            return .none
        }
        return take(end: trailers)
    }

    /// An error came up the channel: a request the input holds did not parse, or something else
    /// went wrong. Every whole request before a malformed one is answered first, then 400, and
    /// nothing more is read.
    mutating func errorCaught(_ error: any Error) -> InputAction {
        guard !isClosed, !malformedSeen else { return .none }
        // The input that stops mid-request because the connection ended (the client left, or the
        // router closed it after refusing a request before its body came) is no error: the reader
        // waits for more bytes, and the close calls off what was open.
        guard let parserError = error as? HTTPParserError else { return .close }
        malformedSeen = true
        gate.hold(.stopped)
        if queued.isEmpty, let action = take(malformed: parserError) { return action }
        enqueue(.malformed(parserError))
        return .none
    }

    // MARK: answers

    /// The answer to `exchange` was written whole and the connection stays open.
    mutating func answerEnded(_ exchange: Exchange, now: @autoclosure () -> NIODeadline) -> AnswerEndedAction {
        switch state {
        case .answering(let current) where current === exchange:
            state = .idle
            // The queue is not held by a full pipeline when it is empty, so one lift does for all.
            let nothingQueued = queued.isEmpty
            let read = gate.lift(nothingQueued ? [.bodyWaiting, .upstreamFull, .pipelineFull]
                                               : [.bodyWaiting, .upstreamFull])
            if nothingQueued || draining {
                // While the queue is being taken, the step that finds it done notes the wait.
                if !draining { wait.answered(at: now()) }
                return .ended(read: read)
            }
            draining = true
            return .drain(read: read)
        case .closed:
            return .none
        case .idle, .answering, .receiving:
            // An answer the connection keeps open after ended with its whole request received; it
            // ends once, and only the current request is answered.
            preconditionFailure("front door pipeline: the answer to \(exchange) cannot end in state \(state)")
        }
    }

    /// Takes the next input that waited behind an answer; `now` is read only when nothing is left.
    mutating func nextQueued(now: @autoclosure () -> NIODeadline) -> DrainStep {
        if !isClosed, let input = queued.first {
            let action: InputAction?
            switch input {
            case .head(let exchange, _): action = start(exchange)
            case .body(let body): action = take(body: body)
            case .end(let trailers): action = take(end: trailers)
            case .malformed(let error): action = take(malformed: error)
            }
            if let action {
                queued.removeFirst()
                queuedBytes -= input.bytes
                return .take(action)
            }
        }
        draining = false
        let read = queuedBytes < maxQueuedBytes ? gate.lift(.pipelineFull) : false
        if case .idle = state { wait.answered(at: now()) }
        return .done(read: read)
    }

    // MARK: timer and close

    /// The connection opened: when to check its wait first.
    mutating func connectionOpened(now: NIODeadline) -> TimerAction {
        guard case .idle = state else {
            preconditionFailure("front door pipeline: the connection cannot open in state \(state)")
        }
        // Never later than the shorter timeout from now: a deadline set later is never missed.
        if case .checkAgain(let deadline) = wait.check(at: now) { return .arm(at: deadline) }
        return .none
    }

    mutating func timerFired(now: NIODeadline) -> TimerAction {
        guard !isClosed else { return .none }
        switch wait.check(at: now) {
        case .checkAgain(let deadline):
            return .arm(at: deadline)
        case .expired(.header):
            gate.hold(.stopped)
            return .headerTimedOut
        case .expired:
            return .idleTimedOut
        }
    }

    /// The connection closed: returns the request whose answer had not ended, to be called off.
    mutating func connectionClosed() -> Exchange? {
        let open = current
        state = .closed
        queued.removeAll()
        queuedBytes = 0
        return open
    }

    // MARK: transitions

    private var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    private mutating func enqueue(_ input: Queued) {
        queued.append(input)
        queuedBytes += input.bytes
        if queuedBytes >= maxQueuedBytes { gate.hold(.pipelineFull) }
    }

    /// Starts a request; nil when it must wait for the answer in progress.
    private mutating func start(_ exchange: Exchange) -> InputAction? {
        guard case .idle = state else { return nil }
        wait.requestStarted()
        state = .receiving(exchange)
        return .start(exchange)
    }

    private mutating func take(body: ByteBuffer) -> InputAction {
        guard case .receiving(let exchange) = state else {
            preconditionFailure("front door pipeline: a request body cannot arrive in state \(state)")
        }
        return .body(exchange, body)
    }

    private mutating func take(end trailers: HTTPHeaders?) -> InputAction {
        guard case .receiving(let exchange) = state else {
            preconditionFailure("front door pipeline: a request end cannot arrive in state \(state)")
        }
        state = .answering(exchange)
        let read = gate.lift([.bodyWaiting, .upstreamFull])
        return .end(exchange, trailers: trailers, read: read)
    }

    /// The input stopped parsing here; nil when it must wait for the answer in progress.
    private mutating func take(malformed error: HTTPParserError) -> InputAction? {
        switch state {
        case .receiving(let exchange):
            // Mid-body: the request is called off and answered 400 (or cut, if its answer started).
            state = .answering(exchange)
            return .callOff(exchange)
        case .answering:
            return nil
        case .idle:
            // Bytes after a request that said `Connection: close`: it was answered; nothing more is.
            if case .closedConnection = error { return .close }
            return .refuseMalformed
        case .closed:
            preconditionFailure("front door pipeline: input cannot be taken in state \(state)")
        }
    }
}
