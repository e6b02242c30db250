import Logging
import Testing
@testable import RouterEngine

/// How a recording router records the probes and sends that end without their answer, and what it
/// holds once its requests finished: nothing of them.
struct RecordedCallEndTests {
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

    /// A replica that answers probes at once (unless `answersProbes` is false) and answers a send
    /// only when the test says how it ended.
    private final class SilentReplica: ReplicaConnection {
        final class Call: Cancellable {
            let finished: (SendOutcome) -> Void
            var cancelled = false
            init(finished: @escaping (SendOutcome) -> Void) { self.finished = finished }
            func cancel() { cancelled = true }
        }

        let answersProbes: Bool
        var sends: [Call] = []
        init(answersProbes: Bool = true) { self.answersProbes = answersProbes }

        func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
            if answersProbes { answer(.queueLength(0)) }
            return nil
        }

        func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
            let call = Call(finished: finished)
            sends.append(call)
            return call
        }
    }

    /// A router on `scheduler` that records from the start, with one replica, r1, on `connection`.
    private static func recordingRouter(on scheduler: VirtualScheduler, r1 connection: any ReplicaConnection) throws -> Router {
        let router = Router(settings: .defaults, scheduler: scheduler, random: SeededRandom(seed: 1),
                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        router.startRecording()
        try router.addReplica(ReplicaInfo(id: "r1", node: "node-a", zone: "zone-1"), connection: connection)
        return router
    }

    /// A send the router calls off is recorded once, as cancelled, lasting until it was called off;
    /// the inner call is called off too.
    @Test func aSendCalledOffIsRecordedAsCancelled() throws {
        let scheduler = VirtualScheduler()
        let replica = SilentReplica()
        let router = try Self.recordingRouter(on: scheduler, r1: replica)
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

    /// A send still running on a replica another send found dead is called off and its request
    /// routed again: recorded once, as cancelled, after the send that found it dead.
    @Test func aSendRoutedAgainOffADeadReplicaIsRecordedAsCancelled() throws {
        let scheduler = VirtualScheduler()
        let replica = SilentReplica()
        let router = try Self.recordingRouter(on: scheduler, r1: replica)
        var results: [RequestResult] = []
        for _ in 0..<2 { router.submit { results.append($0) } }
        scheduler.run(until: scheduler.now + .milliseconds(10))
        #expect(replica.sends.count == 2)
        replica.sends[0].finished(.replicaDied)
        scheduler.run(until: scheduler.now + .milliseconds(5))
        #expect(replica.sends[1].cancelled)
        #expect(router.totals.pending == 2)
        replica.sends[1].finished(.completed)
        #expect(results.isEmpty)
        let sends = try #require(router.recording()?.replicas.first?.sends)
        #expect(sends.outcome == [SendOutcomeName.replicaDied, SendOutcomeName.cancelled])
        #expect(sends.durationMs == [10, 10])
    }

    /// A probe on its way when its replica leaves gets no answer: recorded once, as a timeout
    /// without a round trip, when the replica left.
    @Test func aProbeOfAReplicaThatLeftIsRecordedAsATimeout() throws {
        let scheduler = VirtualScheduler()
        let router = try Self.recordingRouter(on: scheduler, r1: SilentReplica(answersProbes: false))
        scheduler.run(until: scheduler.now + .milliseconds(20))
        try router.removeReplica("r1")
        scheduler.run(until: scheduler.now + .seconds(5))
        let probes = try #require(router.recording()?.replicas.first?.probes)
        #expect(probes.answer == [ProbeAnswerName.timeout])
        #expect(probes.atMs == [0])
        #expect(probes.roundTripMs == [nil])
    }

    /// A recording started again knows only the replicas added after it: the earlier ones' track
    /// numbers named them in the recording it replaced, and their calls are not recorded.
    @Test func aRecordingStartedAgainRecordsOnlyTheReplicasAddedSince() throws {
        let scheduler = VirtualScheduler()
        let first = SilentReplica()
        let router = try Self.recordingRouter(on: scheduler, r1: first)
        router.startRecording()
        var results: [RequestResult] = []
        router.submit { results.append($0) }
        scheduler.run(until: scheduler.now + .milliseconds(10))
        #expect(first.sends.count == 1)
        first.sends[0].finished(.completed)
        #expect(results == [.completed("r1")])
        let recording = try #require(router.recording())
        #expect(recording.arrivals.atMs.count == 1)
        #expect(recording.replicas.isEmpty)
    }

    /// Each call was once wrapped by the recorder; the wrapper and the inner call held each other, so
    /// every finished request (its payload, an HTTP exchange in proxy mode) stayed in memory for good.
    @Test func aFinishedRequestOfARecordingRouterIsFreed() throws {
        let scheduler = VirtualScheduler()
        let router = try Self.recordingRouter(on: scheduler, r1: HoldingReplica(scheduler: scheduler))
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
