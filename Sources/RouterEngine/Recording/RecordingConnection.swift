/// A replica connection that tells the recorder how each probe and send ended, and how long it took.
final class RecordingConnection: ReplicaConnection {
    private let inner: any ReplicaConnection
    private weak var recorder: TrafficRecorder?
    private let replica: Int32
    private let scheduler: any EngineScheduler

    init(inner: any ReplicaConnection, recorder: TrafficRecorder, replica: Int32, scheduler: any EngineScheduler) {
        self.inner = inner
        self.recorder = recorder
        self.replica = replica
        self.scheduler = scheduler
    }

    func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
        let call = RecordedCall(issuedAt: scheduler.now)
        let handle = inner.probeQueueLength { [weak self, call] result in
            if let self, call.end() {
                recorder?.probeEnded(replica: replica, issuedAt: call.issuedAt, roundTrip: scheduler.now - call.issuedAt,
                                     answer: ProbeCode.of(result))
            }
            answer(result)
        }
        call.hold(handle)
        // The router calls a probe off when its deadline passes (or the replica leaves): no answer in time.
        call.onCancel = { [weak self, call] in
            guard let self else { return }
            recorder?.probeEnded(replica: replica, issuedAt: call.issuedAt, roundTrip: nil, answer: ProbeCode.timeout)
        }
        return call
    }

    /// What the replica's answers say of its models goes to the router unchanged.
    func reportModelEvidence(to sink: @escaping (ModelEvidence) -> Void) {
        inner.reportModelEvidence(to: sink)
    }

    func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
        let call = RecordedCall(issuedAt: scheduler.now)
        let handle = inner.send(request) { [weak self, call] outcome in
            if let self, call.end() {
                recorder?.sendEnded(replica: replica, sentAt: call.issuedAt, outcome: SendCode.of(outcome))
            }
            finished(outcome)
        }
        call.hold(handle)
        call.onCancel = { [weak self, call] in
            guard let self else { return }
            recorder?.sendEnded(replica: replica, sentAt: call.issuedAt, outcome: SendCode.cancelled)
        }
        return call
    }
}

/// One probe or send in flight: it ends once, by its answer or by being called off.
private final class RecordedCall: Cancellable {
    let issuedAt: EngineTime
    private var handle: (any Cancellable)?
    var onCancel: (() -> Void)?
    private var ended = false

    init(issuedAt: EngineTime) { self.issuedAt = issuedAt }

    /// Keeps the inner call's handle, to call it off; not once it ended (it may end before its
    /// `send` returned).
    func hold(_ handle: (any Cancellable)?) {
        if !ended { self.handle = handle }
    }

    /// Marks it ended; false when it had ended already.
    func end() -> Bool {
        guard !ended else { return false }
        ended = true
        onCancel = nil
        // The inner call holds the closure that holds this call: keeping its handle past the end
        // kept every finished request in memory (its payload, its head, its record).
        handle = nil
        return true
    }

    func cancel() {
        handle?.cancel()
        handle = nil
        let cancelled = onCancel
        if end() { cancelled?() }
    }
}
