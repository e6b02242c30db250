import Testing
@testable import RouterEngine

/// Every way out of every state of a routing task, without a router, timers or replicas.
struct RoutingTaskStateMachineTests {
    private static let policy = RouterSettings.defaults.backoffPolicy()

    private func probing(_ replicas: [ReplicaID] = ["a", "b"], at time: EngineTime = .ms(5)) -> RoutingTaskStateMachine {
        var machine = RoutingTaskStateMachine()
        #expect(machine.probesSent(replicas, at: time) == .none)
        return machine
    }

    private func sleeping(failed: Int = 2, at time: EngineTime = .ms(10)) -> RoutingTaskStateMachine {
        var machine = RoutingTaskStateMachine()
        let wait = Self.policy.wait(afterFailedAttempt: failed)
        #expect(machine.attemptFailed(failedAttempts: failed, wait: wait, at: time, now: time) == .wake(at: time + wait))
        return machine
    }

    private func machine(in state: String) -> RoutingTaskStateMachine {
        switch state {
        case "probing": probing()
        case "sleeping": sleeping()
        default: RoutingTaskStateMachine()
        }
    }

    @Test func sendingProbesWaitsForEachOfThem() {
        let machine = probing()
        #expect(machine.state == .probing(token: 1, awaiting: ["a", "b"], since: .ms(5)))
        #expect(machine.probingToken == 1)
    }

    @Test func theLastProbeAnswerLetsTheTaskChoose() {
        var machine = probing()
        #expect(machine.probeAnswered("a", token: 1) == .none)
        #expect(machine.state == .probing(token: 1, awaiting: ["b"], since: .ms(5)))
        #expect(machine.probeAnswered("b", token: 1) == .choose(probesStartedAt: .ms(5)))
        #expect(machine.state == .ready)
    }

    @Test func eachAttemptWaitsUnderItsOwnToken() {
        var machine = probing(["a"])
        #expect(machine.probeAnswered("a", token: 1) == .choose(probesStartedAt: .ms(5)))
        #expect(machine.probesSent(["b"], at: .ms(9)) == .none)
        #expect(machine.probingToken == 2)
    }

    @Test func aProbeTimeoutCountsAsAnAnswer() {
        var machine = probing(["a"])
        #expect(machine.probeTimedOut("a", token: 1) == .choose(probesStartedAt: .ms(5)))
    }

    @Test func aReplicaLeavingReleasesTheWaitAsIfItsProbeTimedOut() {
        var machine = probing()
        #expect(machine.replicaLeft("a") == .none)
        #expect(machine.state == .probing(token: 1, awaiting: ["b"], since: .ms(5)))
        #expect(machine.replicaLeft("b") == .choose(probesStartedAt: .ms(5)))
    }

    @Test func aLateAnswerFromAReplicaAlreadyReleasedChangesNothing() {
        var machine = probing()
        #expect(machine.replicaLeft("a") == .none)
        #expect(machine.probeAnswered("a", token: 1) == .none)
        #expect(machine.state == .probing(token: 1, awaiting: ["b"], since: .ms(5)))
    }

    @Test func aFailedAttemptSleepsItsWaitAndWakingAttemptsAgain() {
        var machine = sleeping(failed: 3, at: .ms(25))
        #expect(machine.sleep == .init(failedAttempts: 3, startedAt: .ms(25), wait: .ms(50), wakeAt: .ms(75)))
        #expect(machine.woke() == .attempt)
        #expect(machine.state == .ready)
    }

    @Test func aSleepOwedToAnEarlierRefusalWakesAtItsEndOrNow() {
        var machine = RoutingTaskStateMachine()
        #expect(machine.attemptFailed(failedAttempts: 2, wait: .ms(25), at: .ms(10), now: .ms(20)) == .wake(at: .ms(35)))
        var late = RoutingTaskStateMachine()
        #expect(late.attemptFailed(failedAttempts: 2, wait: .ms(25), at: .ms(10), now: .ms(50)) == .wake(at: .ms(50)))
    }

    @Test(arguments: [(40.0, 0.01, 45.0), (40.0, 0.1, 225.0), (60.0, 0.01, 60.0)])
    func aBackoffChangeRetimesTheSleepFromItsStart(now: Double, initial: Double, wakeAt: Double) {
        var machine = sleeping(failed: 3, at: .ms(25))
        let policy = BackoffPolicy(initial: initial, multiplier: 2, maximum: 0.5)
        #expect(machine.backoffChanged(policy, now: .ms(now)) == .wake(at: .ms(wakeAt)))
        #expect(machine.sleep?.failedAttempts == 3)
        #expect(machine.sleep?.wait == policy.wait(afterFailedAttempt: 3))
    }

    @Test(arguments: ["ready", "probing"])
    func aBackoffChangeDuringAnAttemptWaitsForItsNextSleep(state: String) {
        var machine = machine(in: state)
        let before = machine.state
        #expect(machine.backoffChanged(Self.policy, now: .ms(7)) == .none)
        #expect(machine.state == before)
    }

    @Test func aLocalTierWithNothingMovesOnAtOnce() {
        var machine = RoutingTaskStateMachine()
        #expect(machine.localTierFoundNothing() == .attempt)
        #expect(machine.state == .ready)
    }

    @Test func aReplicaFoundForAnOlderRequestKeepsTheTaskSearchingForItsOwn() {
        var machine = RoutingTaskStateMachine()
        #expect(machine.foundReplicaForOlderRequest() == .attempt)
        #expect(machine.state == .ready)
    }

    @Test func aTaskWhoseRequestIsServedTakesTheNextOrEnds() {
        var machine = RoutingTaskStateMachine()
        #expect(machine.ownRequestServed(next: RequestID(7)) == .claim(RequestID(7)))
        #expect(machine.state == .ready)
        #expect(machine.ownRequestServed(next: nil) == .end(abandoningProbes: false))
        #expect(machine.isEnded)
    }

    @Test(arguments: ["ready", "probing", "sleeping"])
    func aRequestServedElsewhereEndsItsTaskWhereverItIs(state: String) {
        var machine = machine(in: state)
        #expect(machine.requestServedElsewhere() == .end(abandoningProbes: state == "probing"))
        #expect(machine.isEnded)
    }

    @Test(arguments: ["ready", "probing", "sleeping"])
    func aCancelledRequestEndsItsTaskWhereverItIs(state: String) {
        var machine = machine(in: state)
        #expect(machine.requestCancelled() == .end(abandoningProbes: state == "probing"))
        #expect(machine.isEnded)
        #expect(machine.probingToken == 0)
        #expect(machine.sleep == nil)
    }

    @Test(arguments: ["ready", "probing", "sleeping"])
    func aShrunkReplicaSetRetiresTheTaskFromAnyState(state: String) {
        var machine = machine(in: state)
        #expect(machine.retired() == .end(abandoningProbes: state == "probing"))
        #expect(machine.isEnded)
    }
}
