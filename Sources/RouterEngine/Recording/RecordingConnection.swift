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
        call.handle = handle
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
        call.handle = handle
        call.onCancel = { [weak self, call] in
            guard let self else { return }
            recorder?.sendEnded(replica: replica, sentAt: call.issuedAt, outcome: SendCode.cancelled)
        }
        return call
    }
}

/// One probe or send in flight: it ends once, by its answer or by being called off.
///
/// Its inner handle keeps the completion that captures it, and its `onCancel` captures it too:
/// ending lets go of both, or every finished call would stay alive with its request.
private final class RecordedCall: Cancellable {
    let issuedAt: EngineTime
    var handle: (any Cancellable)?
    var onCancel: (() -> Void)?
    private var ended = false

    init(issuedAt: EngineTime) { self.issuedAt = issuedAt }

    /// Marks it ended; false when it had ended already.
    func end() -> Bool {
        guard !ended else { return false }
        ended = true
        onCancel = nil
        handle = nil
        return true
    }

    func cancel() {
        handle?.cancel()
        let cancelled = onCancel
        if end() { cancelled?() }
    }
}
