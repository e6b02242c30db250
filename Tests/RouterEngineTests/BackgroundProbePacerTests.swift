import Testing
@testable import RouterEngine

/// The pacing of first and recovery probes on its own, at given engine times: the order replicas
/// wait in, the bound on probes in flight, and the number started per tick.
@Suite("Background probe pacer")
struct BackgroundProbePacerTests {
    private let scheduler = VirtualScheduler()

    private func records(_ count: Int) -> [ReplicaRecord] {
        (1...count).map { index in
            ReplicaRecord(info: ReplicaInfo(id: ReplicaID("r\(index)"), node: "n", zone: "z", maxOngoingRequests: 5),
                          connection: ScriptedReplica(scheduler: scheduler))
        }
    }

    /// The replicas `next` gives at `now`, starting each, until it gives something else; and that.
    private func drain(_ pacer: inout BackgroundProbePacer, at now: EngineTime) -> ([String], BackgroundProbePacer.Next) {
        var started: [String] = []
        while true {
            let next = pacer.next(at: now)
            guard case .probe(let replica) = next else { return (started, next) }
            pacer.probeStarted()
            started.append(replica.id.rawValue)
        }
    }

    private func resumeTime(_ next: BackgroundProbePacer.Next) -> EngineTime? {
        if case .resume(let time) = next { return time }
        return nil
    }

    @Test("replicas wait in the order they asked, once each; one counted locally or being probed is not queued")
    func order() {
        var pacer = BackgroundProbePacer(limit: 10, perTick: 10)
        let replicas = records(4)
        replicas[2].countsLocally = true
        replicas[3].probe = ProbeInFlight(issuedAt: .zero, deadline: .seconds(1))
        let asked = [1, 0, 2, 3].map { pacer.ask(for: replicas[$0]) }
        let askedAgain = pacer.ask(for: replicas[1])
        #expect(asked == [true, true, false, false], "one counted locally and one being probed are not queued")
        #expect(!askedAgain, "already waiting")
        #expect(pacer.waiting == 2 && replicas[1].queuedForProbe)
        let (started, rest) = drain(&pacer, at: .zero)
        #expect(started == ["r2", "r1"] && !replicas[1].queuedForProbe)
        #expect(resumeTime(rest) == nil && pacer.inFlight == 2)
    }

    @Test("at most `limit` probes are in flight; each that ends lets one more start")
    func limit() {
        var pacer = BackgroundProbePacer(limit: 2, perTick: 100)
        for replica in records(5) { _ = pacer.ask(for: replica) }
        #expect(drain(&pacer, at: .zero).0 == ["r1", "r2"])
        #expect(pacer.inFlight == 2 && pacer.waiting == 3)
        pacer.probeEnded()
        #expect(drain(&pacer, at: .ms(1)).0 == ["r3"])
        pacer.probeEnded()
        pacer.probeEnded()
        #expect(drain(&pacer, at: .ms(2)).0 == ["r4", "r5"] && pacer.waiting == 0)
    }

    @Test("at most `perTick` start per 10 ms tick; the rest resume at the next tick, counted from its first start")
    func pace() {
        var pacer = BackgroundProbePacer(limit: 100, perTick: 2)
        for replica in records(5) { _ = pacer.ask(for: replica) }
        let (first, wait) = drain(&pacer, at: .ms(3))
        #expect(first == ["r1", "r2"] && resumeTime(wait) == .ms(13))
        let stillWaiting = pacer.next(at: .ms(12.999))
        #expect(resumeTime(stillWaiting) == .ms(13), "still the same tick")
        let (second, wait2) = drain(&pacer, at: .ms(13))
        #expect(second == ["r3", "r4"] && resumeTime(wait2) == .ms(23))
        #expect(drain(&pacer, at: .ms(40)).0 == ["r5"])
    }

    @Test("pumping is refused while under way or while the resume timer is armed; shutting down cancels the timer and empties the queue")
    func pumpingAndTimer() {
        var pacer = BackgroundProbePacer(limit: 1, perTick: 1)
        let first = pacer.startPumping()
        let nested = pacer.startPumping()
        #expect(first && !nested, "a probe answered at once does not start the loop again")
        pacer.stopPumping()
        let timer = RecordedCancel()
        pacer.resumeTimer = timer
        let whileTimed = pacer.startPumping()
        #expect(!whileTimed, "the timer resumes the queue")
        pacer.shutDown()
        let afterCancel = pacer.startPumping()
        #expect(timer.cancelled && pacer.resumeTimer == nil && afterCancel && pacer.waiting == 0 && pacer.inFlight == 0)
    }
}
