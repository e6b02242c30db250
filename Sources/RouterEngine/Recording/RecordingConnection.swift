/// A replica connection that tells the recorder how each probe and send ended, and how long it took.
final class RecordingConnection: ReplicaConnection {
    private let inner: any ReplicaConnection
    fileprivate weak var recorder: TrafficRecorder?
    fileprivate let replica: Int32
    fileprivate let scheduler: any EngineScheduler

    init(inner: any ReplicaConnection, recorder: TrafficRecorder, replica: Int32, scheduler: any EngineScheduler) {
        self.inner = inner
        self.recorder = recorder
        self.replica = replica
        self.scheduler = scheduler
    }

    func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
        let call = RecordedCall(.probe(answer), on: self)
        call.hold(inner.probeQueueLength { [call] result in call.probeAnswered(result) })
        return call
    }

    /// What the replica's answers say of its models goes to the router unchanged.
    func reportModelEvidence(to sink: @escaping (ModelEvidence) -> Void) {
        inner.reportModelEvidence(to: sink)
    }

    func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
        let call = RecordedCall(.send(finished), on: self)
        call.hold(inner.send(request) { [call] outcome in call.sendEnded(outcome) })
        return call
    }
}

/// One probe or send in flight: it ends once, by its answer or by being called off.
///
/// It is the only object a call adds: the inner call's closure captures just this (so it needs no
/// allocation of its own), and being called off needs no closure at all. A closure per outcome,
/// each holding the connection weakly, made five allocations per send.
private final class RecordedCall: Cancellable {
    /// Whom the answer goes to once the recorder has it.
    enum Caller {
        case probe((ProbeAnswer) -> Void)
        case send((SendOutcome) -> Void)
    }

    private let caller: Caller
    let issuedAt: EngineTime
    /// Weak as the closures were: once the router let go of the connection, nothing is recorded.
    private weak var connection: RecordingConnection?
    private var handle: (any Cancellable)?
    private var ended = false

    init(_ caller: Caller, on connection: RecordingConnection) {
        self.caller = caller
        self.connection = connection
        self.issuedAt = connection.scheduler.now
    }

    /// Keeps the inner call's handle, to call it off; not once it ended (it may end before its
    /// `send` returned).
    func hold(_ handle: (any Cancellable)?) {
        if !ended { self.handle = handle }
    }

    /// Marks it ended; false when it had ended already.
    private func end() -> Bool {
        guard !ended else { return false }
        ended = true
        // The inner call holds the closure that holds this call: keeping its handle past the end
        // kept every finished request in memory (its payload, its head, its record).
        handle = nil
        return true
    }

    func probeAnswered(_ result: ProbeAnswer) {
        if end(), let connection {
            connection.recorder?.probeEnded(replica: connection.replica, issuedAt: issuedAt,
                                            roundTrip: connection.scheduler.now - issuedAt, answer: ProbeCode.of(result))
        }
        if case .probe(let answer) = caller { answer(result) }
    }

    func sendEnded(_ outcome: SendOutcome) {
        if end(), let connection {
            connection.recorder?.sendEnded(replica: connection.replica, sentAt: issuedAt, outcome: SendCode.of(outcome))
        }
        if case .send(let finished) = caller { finished(outcome) }
    }

    /// The router calls a probe off when its deadline passes (or the replica leaves): no answer in
    /// time. A send is called off when its request is.
    func cancel() {
        handle?.cancel()
        handle = nil
        guard end(), let connection else { return }
        switch caller {
        case .probe:
            connection.recorder?.probeEnded(replica: connection.replica, issuedAt: issuedAt, roundTrip: nil,
                                            answer: ProbeCode.timeout)
        case .send:
            connection.recorder?.sendEnded(replica: connection.replica, sentAt: issuedAt, outcome: SendCode.cancelled)
        }
    }
}
