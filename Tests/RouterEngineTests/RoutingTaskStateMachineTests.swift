import Testing
@testable import RouterEngine

/// Every way out of every state of a routing task, without a router, timers or replicas.
struct RoutingTaskStateMachineTests {
    private static let policy = RouterSettings.defaults.backoffPolicy()

    private func probing(_ replicas: [ReplicaID] = ["a", "b"], at time: EngineTime = .ms(5)) -> RoutingTaskStateMachine {
        var machine = RoutingTaskStateMachine()
        #expect(machine.handle(.probesSent(replicas, at: time)) == .none)
        return machine
    }

    private func sleeping(failed: Int = 2, at time: EngineTime = .ms(10)) -> RoutingTaskStateMachine {
        var machine = RoutingTaskStateMachine()
        let wait = Self.policy.wait(afterFailedAttempt: failed)
        #expect(machine.handle(.attemptFailed(failedAttempts: failed, wait: wait, at: time, now: time)) == .wake(at: time + wait))
        return machine
    }

    @Test func sendingProbesWaitsForEachOfThem() {
        let machine = probing()
        #expect(machine.state == .probing(token: 1, awaiting: ["a", "b"], since: .ms(5)))
        #expect(machine.probingToken == 1)
    }

    @Test func theLastProbeAnswerLetsTheTaskChoose() {
        var machine = probing()
        #expect(machine.handle(.probeAnswered("a", token: 1)) == .none)
        #expect(machine.state == .probing(token: 1, awaiting: ["b"], since: .ms(5)))
        #expect(machine.handle(.probeAnswered("b", token: 1)) == .choose(probesStartedAt: .ms(5)))
        #expect(machine.state == .ready)
    }

    @Test func anAnswerForAnEarlierAttemptOrAnotherReplicaChangesNothing() {
        var machine = probing()
        #expect(machine.handle(.probeAnswered("a", token: 0)) == .none)
        #expect(machine.handle(.probeAnswered("z", token: 1)) == .none)
        #expect(machine.state == .probing(token: 1, awaiting: ["a", "b"], since: .ms(5)))
    }

    @Test func aProbeTimeoutCountsAsAnAnswer() {
        var machine = probing(["a"])
        #expect(machine.handle(.probeTimedOut("a", token: 1)) == .choose(probesStartedAt: .ms(5)))
    }

    @Test func aRemovedReplicaReleasesTheWaitAsIfItsProbeTimedOut() {
        var machine = probing()
        #expect(machine.handle(.replicaRemoved("a")) == .none)
        #expect(machine.state == .probing(token: 1, awaiting: ["b"], since: .ms(5)))
        #expect(machine.handle(.replicaRemoved("b")) == .choose(probesStartedAt: .ms(5)))
    }

    @Test func aRemovedReplicaItDoesNotWaitForChangesNothing() {
        var machine = probing(["a"])
        #expect(machine.handle(.replicaRemoved("z")) == .none)
        var sleeper = sleeping()
        let before = sleeper.state
        #expect(sleeper.handle(.replicaRemoved("a")) == .none)
        #expect(sleeper.state == before)
    }

    @Test func aRequestLeavingWhileProbesAreOutLetsTheirAnswerServeTheOldest() {
        var machine = probing()
        #expect(machine.handle(.requestLeft(othersWaiting: false)) == .none)
        #expect(machine.probingToken == 1)
    }

    @Test func aRequestLeavingDuringTheBackoffLetsTheTaskSleepOnOrEndsIt() {
        var machine = sleeping()
        let before = machine.state
        #expect(machine.handle(.requestLeft(othersWaiting: true)) == .none)
        #expect(machine.state == before)
        var alone = sleeping()
        #expect(alone.handle(.requestLeft(othersWaiting: false)) == .end)
        #expect(alone.isEnded)
    }

    @Test func aRequestLeavingBetweenAttemptsStartsAnotherSearchOrEndsTheTask() {
        var machine = RoutingTaskStateMachine()
        #expect(machine.handle(.requestLeft(othersWaiting: true)) == .attempt)
        #expect(machine.state == .ready)
        #expect(machine.handle(.requestLeft(othersWaiting: false)) == .end)
        #expect(machine.isEnded)
    }

    @Test func aFailedAttemptSleepsItsWaitAndWakingAttemptsAgain() {
        var machine = sleeping(failed: 3, at: .ms(25))
        #expect(machine.sleep == .init(failedAttempts: 3, startedAt: .ms(25), wait: .ms(50), wakeAt: .ms(75)))
        #expect(machine.handle(.woke) == .attempt)
        #expect(machine.state == .ready)
    }

    @Test func aSleepOwedToAnEarlierRefusalWakesAtItsEndOrNow() {
        var machine = RoutingTaskStateMachine()
        #expect(machine.handle(.attemptFailed(failedAttempts: 2, wait: .ms(25), at: .ms(10), now: .ms(20))) == .wake(at: .ms(35)))
        var late = RoutingTaskStateMachine()
        #expect(late.handle(.attemptFailed(failedAttempts: 2, wait: .ms(25), at: .ms(10), now: .ms(50))) == .wake(at: .ms(50)))
    }

    @Test(arguments: [(40.0, 0.01, 45.0), (40.0, 0.1, 225.0), (60.0, 0.01, 60.0)])
    func aSettingsChangeRetimesTheSleepFromItsStart(now: Double, initial: Double, wakeAt: Double) {
        var machine = sleeping(failed: 3, at: .ms(25))
        let policy = BackoffPolicy(initial: initial, multiplier: 2, maximum: 0.5)
        #expect(machine.handle(.settingsChanged(policy, now: .ms(now))) == .wake(at: .ms(wakeAt)))
        #expect(machine.sleep?.failedAttempts == 3)
        #expect(machine.sleep?.wait == policy.wait(afterFailedAttempt: 3))
    }

    @Test func aSettingsChangeWhileProbingWaitsForTheNextSleep() {
        var machine = probing()
        #expect(machine.handle(.settingsChanged(Self.policy, now: .ms(7))) == .none)
        #expect(machine.probingToken == 1)
    }

    @Test func anAssignmentStartsTheNextAttempt() {
        var machine = RoutingTaskStateMachine()
        #expect(machine.handle(.assigned) == .attempt)
        #expect(machine.state == .ready)
    }

    @Test(arguments: ["ready", "probing", "sleeping"])
    func aLoweredCapEndsTheTaskFromAnyState(state: String) {
        var machine = state == "probing" ? probing() : state == "sleeping" ? sleeping() : RoutingTaskStateMachine()
        #expect(machine.handle(.capLowered) == .end)
        #expect(machine.isEnded)
    }

    @Test func anEndedTaskIgnoresEverything() {
        var machine = probing()
        _ = machine.handle(.capLowered)
        #expect(machine.handle(.probeAnswered("a", token: 1)) == .none)
        #expect(machine.handle(.woke) == .none)
        #expect(machine.handle(.assigned) == .none)
        #expect(machine.handle(.capLowered) == .none)
        #expect(machine.isEnded)
    }

    @Test func aStrayWakeOrAnswerWhileSleepingChangesNothing() {
        var machine = sleeping()
        let before = machine.state
        #expect(machine.handle(.probeAnswered("a", token: 1)) == .none)
        #expect(machine.handle(.probeTimedOut("a", token: 1)) == .none)
        #expect(machine.state == before)
    }
}
