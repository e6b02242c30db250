import Logging
import Testing
@testable import RouterEngine

/// What a recording router holds once its requests finished: nothing of them.
struct RecordedCallReleaseTests {
    /// A replica whose calls keep the closure they report with, as an HTTP call does, and answer
    /// on the next event.
    private final class HoldingReplica: ReplicaConnection {
        final class Call: Cancellable {
            let report: () -> Void
            init(report: @escaping () -> Void) { self.report = report }
            func cancel() {}
        }

        let scheduler: VirtualScheduler
        init(scheduler: VirtualScheduler) { self.scheduler = scheduler }

        func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
            let call = Call { answer(.queueLength(0)) }
            scheduler.schedule(after: .milliseconds(1)) { call.report() }
            return call
        }

        func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
            let call = Call { finished(.completed) }
            scheduler.schedule(after: .milliseconds(1)) { call.report() }
            return call
        }
    }

    private final class Payload {}

    /// A replica that answers probes at once and never answers a send: the router calls it off.
    private final class SilentReplica: ReplicaConnection {
        final class Call: Cancellable {
            var cancelled = false
            func cancel() { cancelled = true }
        }

        var sends: [Call] = []

        func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
            answer(.queueLength(0))
            return nil
        }

        func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
            let call = Call()
            sends.append(call)
            return call
        }
    }

    /// A send the router calls off is recorded once, as cancelled, lasting until it was called off;
    /// the inner call is called off too.
    @Test func aSendCalledOffIsRecordedAsCancelled() throws {
        let scheduler = VirtualScheduler()
        let router = Router(settings: .defaults, scheduler: scheduler, random: SeededRandom(seed: 1),
                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        router.startRecording()
        let replica = SilentReplica()
        try router.addReplica(ReplicaInfo(id: "r1", node: "node-a", zone: "zone-1"), connection: replica)
        var results: [RequestResult] = []
        let id = router.submit { results.append($0) }
        scheduler.run(until: scheduler.now + .milliseconds(10))
        #expect(replica.sends.count == 1)
        router.cancel(id)
        router.cancel(id)
        #expect(results == [.failed(.cancelled)])
        #expect(replica.sends.map(\.cancelled) == [true])
        let sends = try #require(router.recording()?.replicas.first?.sends)
        #expect(sends.outcome == [SendOutcomeName.cancelled])
        #expect(sends.durationMs == [10])
    }

    /// The recorder wraps each call; its wrapper and the inner call held each other, so every
    /// finished request (its payload, an HTTP exchange in proxy mode) stayed in memory for good.
    @Test func aFinishedRequestOfARecordingRouterIsFreed() throws {
        let scheduler = VirtualScheduler()
        let router = Router(settings: .defaults, scheduler: scheduler, random: SeededRandom(seed: 1),
                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        router.startRecording()
        try router.addReplica(ReplicaInfo(id: "r1", node: "node-a", zone: "zone-1"),
                              connection: HoldingReplica(scheduler: scheduler))
        weak var payload: Payload?
        var results: [RequestResult] = []
        for _ in 0..<3 {
            let made = Payload()
            payload = made
            router.submit(payload: made) { results.append($0) }
        }
        scheduler.run(until: scheduler.now + .seconds(1))
        #expect(results == Array(repeating: .completed("r1"), count: 3))
        #expect(payload == nil)
        // Still recorded: the probes and the sends, each with its answer.
        let recording = try #require(router.recording())
        #expect(recording.replicas.first?.sends.atMs.count == 3)
    }
}
