import Testing
@testable import RouterEngine

/// A recording router lets go of every call that ended: a finished send or probe keeps nothing alive.
struct RecordingConnectionTests {
    /// A replica whose handles keep their completion until it is called, as the HTTP connection's do.
    private final class HoldingReplica: ReplicaConnection {
        final class Handle: Cancellable {
            var finish: ((SendOutcome) -> Void)?
            init(_ finish: @escaping (SendOutcome) -> Void) { self.finish = finish }
            func cancel() {}
        }

        let scheduler: VirtualScheduler
        private(set) var open: [Handle] = []
        private(set) var handed: [WeakHandle] = []

        init(scheduler: VirtualScheduler) { self.scheduler = scheduler }

        func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
            scheduler.schedule(after: .zero) { answer(.queueLength(0)) }
        }

        func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
            let handle = Handle(finished)
            open.append(handle)
            handed.append(WeakHandle(handle: handle))
            return handle
        }

        /// Answers every open request; the replica keeps none of their handles after.
        func finishAll() {
            let finishing = open
            open = []
            for handle in finishing { handle.finish?(.completed) }
        }
    }

    private struct WeakHandle { weak var handle: HoldingReplica.Handle? }

    @Test func aFinishedSendLeavesNothingAlive() throws {
        let harness = RouterHarness()
        harness.router.startRecording()
        let replica = HoldingReplica(scheduler: harness.scheduler)
        try harness.router.addReplica(
            ReplicaInfo(id: "r1", node: "node-a", zone: "zone-1", maxOngoingRequests: 5, answersProbes: true),
            connection: replica
        )
        harness.settle()
        for _ in 0..<3 { harness.submit() }
        harness.settle()
        #expect(replica.handed.count == 3)
        replica.finishAll()
        harness.settle()
        #expect(harness.results.byID.count == 3)
        #expect(replica.handed.allSatisfy { $0.handle == nil })
    }
}
