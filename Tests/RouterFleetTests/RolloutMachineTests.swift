import RouterAPI
import RouterFleet
import Testing

@Suite struct RolloutMachineTests {
    func plan(_ targets: [String], canary: Int = 0, keepPartial: Bool = false) -> RolloutPlan {
        RolloutPlan(id: "r-1", patch: [.initialBackoff: 0.05], targets: targets, canarySeconds: canary,
                    keepPartial: keepPartial)
    }

    @Test func everyRouterTakesTheTrialThenEveryRouterConfirms() {
        var machine = RolloutMachine(plan: plan(["a", "b", "c"]))
        #expect(machine.handle(.start) == .trial("a"))
        #expect(machine.handle(.trialAnswered("a", .done)) == .trial("b"))
        #expect(machine.handle(.trialAnswered("b", .done)) == .trial("c"))
        #expect(machine.handle(.trialAnswered("c", .done)) == .confirm("a"))
        #expect(machine.handle(.confirmAnswered("a", .done)) == .confirm("b"))
        #expect(machine.handle(.confirmAnswered("b", .done)) == .confirm("c"))
        guard case .finished(let report) = machine.handle(.confirmAnswered("c", .done)) else {
            Issue.record("the rollout did not finish")
            return
        }
        #expect(report.succeeded)
        #expect(report.outcomes.map(\.outcome) == [.changed, .changed, .changed])
        #expect(report.stopReason == nil)
    }

    @Test func theCanaryIsWatchedAloneBeforeTheRest() {
        var machine = RolloutMachine(plan: plan(["a", "b"], canary: 3))
        #expect(machine.handle(.start) == .trial("a"))
        #expect(machine.handle(.trialAnswered("a", .done)) == .watchCanary(canary: "a", seconds: 3))
        #expect(machine.isWatchingCanary)
        #expect(machine.handle(.watchEnded) == .trial("b"))
    }

    @Test func aRefusalStopsTheRolloutAndRevertsWhatWasChanged() {
        var machine = RolloutMachine(plan: plan(["a", "b", "c"]))
        _ = machine.handle(.start)
        _ = machine.handle(.trialAnswered("a", .done))
        #expect(machine.handle(.trialAnswered("b", .refused("max_backoff_s is below")))
            == .revert("a", confirmed: false))
        guard case .finished(let report) = machine.handle(.revertAnswered("a", .done)) else {
            Issue.record("the rollout did not finish")
            return
        }
        #expect(!report.succeeded)
        #expect(report.outcomes.map(\.outcome) == [.reverted, .refused("max_backoff_s is below"), .notReached])
        #expect(report.stopReason == "b refused the trial: max_backoff_s is below")
    }

    @Test func aRouterLostDuringConfirmationRevertsTheConfirmedOnesToo() {
        var machine = RolloutMachine(plan: plan(["a", "b"]))
        _ = machine.handle(.start)
        _ = machine.handle(.trialAnswered("a", .done))
        _ = machine.handle(.trialAnswered("b", .done))
        _ = machine.handle(.confirmAnswered("a", .done))
        #expect(machine.handle(.confirmAnswered("b", .unreachable("connection refused"))) == .revert("a", confirmed: true))
        guard case .finished(let report) = machine.handle(.revertAnswered("a", .refused("journal full"))) else {
            Issue.record("the rollout did not finish")
            return
        }
        #expect(report.outcomes.map(\.outcome) == [.undoFailed("journal full"), .unreachable("connection refused")])
    }

    @Test func keepPartialConfirmsTheRoutersOnTrialInsteadOfReverting() {
        var machine = RolloutMachine(plan: plan(["a", "b", "c"], keepPartial: true))
        _ = machine.handle(.start)
        _ = machine.handle(.trialAnswered("a", .done))
        _ = machine.handle(.trialAnswered("b", .done))
        #expect(machine.handle(.trialAnswered("c", .unreachable("no answer within 5 s"))) == .confirm("a"))
        #expect(machine.handle(.confirmAnswered("a", .done)) == .confirm("b"))
        guard case .finished(let report) = machine.handle(.confirmAnswered("b", .done)) else {
            Issue.record("the rollout did not finish")
            return
        }
        #expect(report.outcomes.map(\.outcome) == [.kept, .kept, .unreachable("no answer within 5 s")])
        #expect(!report.succeeded)
    }

    @Test func cancellingDuringTheCanaryWatchRevertsTheCanary() {
        var machine = RolloutMachine(plan: plan(["a", "b"], canary: 30))
        _ = machine.handle(.start)
        _ = machine.handle(.trialAnswered("a", .done))
        #expect(machine.handle(.cancel) == .revert("a", confirmed: false))
        _ = machine.handle(.revertAnswered("a", .done))
        #expect(machine.isFinished)
        #expect(machine.report.stopReason == "cancelled")
    }

    @Test func aCancelDuringATrialTakesEffectWhenItIsAnswered() {
        var machine = RolloutMachine(plan: plan(["a", "b"]))
        _ = machine.handle(.start)
        #expect(machine.handle(.cancel) == RolloutMachine.Action.none)
        #expect(machine.handle(.trialAnswered("a", .done)) == .revert("a", confirmed: false))
    }

    @Test(arguments: [
        (["initial_backoff_s=0.05"], nil as String?),
        (["initial_backoff_s"], "--set initial_backoff_s: it must be KEY=VALUE, such as initial_backoff_s=0.05"),
        (["speed=3"], "--set speed=3: speed is not a setting; one of initial_backoff_s, backoff_multiplier, "
            + "max_backoff_s, probe_deadline_s, max_probe_deadline_s, cache_timeout_s, model_matching_timeout_s"),
        (["max_backoff_s=fast"], "--set max_backoff_s=fast: fast is not a number"),
        (["max_backoff_s=1", "max_backoff_s=2"], "--set names max_backoff_s twice"),
        ([], "give at least one --set KEY=VALUE"),
    ])
    func assignmentsAreReadOrRefusedWithTheReason(assignments: [String], problem: String?) {
        switch RolloutPlan.patch(from: assignments) {
        case .success(let patch):
            #expect(problem == nil)
            #expect(patch == [.initialBackoff: 0.05])
        case .failure(let refusal):
            #expect(refusal.description == problem)
        }
    }

    @Test func thePlanSendsOnlyTheChangedKeysAndMarksEveryPart() {
        let plan = RolloutPlan(id: "r-7", patch: [.maxBackoff: 2, .initialBackoff: 0.05], targets: ["a", "b"],
                               canarySeconds: 3, keepPartial: false)
        #expect(String(decoding: plan.body, as: UTF8.self) == #"{"initial_backoff_s":0.05,"max_backoff_s":2}"#)
        #expect(plan.mark == RolloutMark(id: "r-7", targets: ["a", "b"]))
        #expect(plan.trialSeconds == 3 + RolloutPlan.trialMarginSeconds)
        #expect(RolloutMark.parse(id: RolloutPlan.newID(), targets: "a,b").map { $0 != nil } == .success(true))
    }
}
