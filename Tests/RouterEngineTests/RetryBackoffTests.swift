import Testing
@testable import RouterEngine

/// Retry timing on virtual time, measured by when each probe of an always-full replica goes out.
struct RetryBackoffTests {
    private func fullReplicaHarness(legacy: Bool = false) -> (RouterHarness, ScriptedReplica) {
        // No locality tiers: every attempt draws from all replicas and counts for backoff.
        let harness = RouterHarness(options: Router.Options(
            locality: Locality(node: "node-a", zone: "zone-1", preferLocal: false), legacyBackoff: legacy, routingTimeout: nil
        ))
        let replica = harness.add("r1", max: 1) { .queueLength(1) }
        // Let the probe made when the replica joined answer first, so attempt 1 sends its own.
        harness.settle()
        return (harness, replica)
    }

    @Test func firstRetryIsImmediateThenBackoffGrows() {
        let (harness, replica) = fullReplicaHarness()
        harness.submit()
        harness.run(for: .ms(200))
        // The probe at add time, attempt 1, attempt 2 at once, then 25, 50, 100 ms apart.
        #expect(replica.probeTimes == [.ms(0), .ms(0), .ms(0), .ms(25), .ms(75), .ms(175)])
    }

    @Test func legacyPolicySleepsBeforeTheFirstRetry() {
        let (harness, replica) = fullReplicaHarness(legacy: true)
        harness.submit()
        harness.run(for: .ms(400))
        #expect(replica.probeTimes == [.ms(0), .ms(0), .ms(25), .ms(75), .ms(175), .ms(375)])
    }

    @Test func aTaskCountsAsInBackoffFromItsFirstFailedAttempt() {
        let (harness, _) = fullReplicaHarness()
        harness.submit()
        harness.run(for: .ms(30))
        let snapshot = harness.router.snapshot(mode: .simulated)
        #expect(snapshot.tasksInBackoff == 1)
        let timer = snapshot.backoffTimers[0]
        #expect(timer.failedAttempts == 3)
        #expect(timer.wait == .ms(50))
        #expect(timer.inBackoffSince == .ms(0))
        #expect(timer.wakeAt == .ms(75))
        #expect(timer.requestID == RequestID(1))
    }

    @Test(arguments: [
        // (when the change is applied, new initial backoff, when the next attempt must probe)
        (40.0, 0.01, 45.0),   // shorter: started sleeping at 25, new wait 20 ms
        (40.0, 0.1, 225.0),   // longer: new wait 200 ms
        (60.0, 0.01, 60.0),   // the new wake-up time has passed: wake now
    ])
    func aSleepingTaskIsRearmedByAParameterChange(appliedAt: Double, initial: Double, nextProbe: Double) throws {
        let (harness, replica) = fullReplicaHarness()
        harness.submit()
        harness.run(for: .ms(appliedAt))
        #expect(replica.probeTimes.last == .ms(25))
        var settings = harness.router.settings
        settings.initialBackoff = initial
        try harness.router.apply(settings, by: CommandOrigin(user: "test"))
        harness.settle()
        harness.run(for: .ms(nextProbe - appliedAt))
        #expect(replica.probeTimes.last == .ms(nextProbe))
        #expect(replica.probeTimes.count == 5)
        // The attempt count is kept: the attempt after that waits wait(4) under the new settings.
        let waitAfter4 = settings.backoffPolicy().wait(afterFailedAttempt: 4)
        harness.run(for: waitAfter4)
        #expect(replica.probeTimes.last == EngineTime.ms(nextProbe) + waitAfter4)
    }

    @Test("each failed attempt is counted once against each replica of its pair, found full by probes")
    func failedAttemptsAreAttributedToTheirPair() {
        let (harness, _) = fullReplicaHarness()
        _ = harness.add("r2", max: 1) { .queueLength(1) }
        harness.settle()
        harness.submit()
        harness.run(for: .ms(30))
        let snapshot = harness.router.snapshot(mode: .simulated)
        // Attempts 1 and 2 at once, 3 after 25 ms; each drew both replicas, and neither had room.
        #expect(snapshot.retries.failedAttempts == 3)
        #expect(snapshot.replicas.map(\.retriesAttributed) == [3, 3])
    }

    @Test func aWarningEveryFiftyFailedAttempts() {
        let (harness, _) = fullReplicaHarness()
        harness.submit()
        harness.run(for: .seconds(30))
        let snapshot = harness.router.snapshot(mode: .simulated)
        #expect(snapshot.retries.warnings == 1)
        let warnings = snapshot.events.filter { $0.kind == .warning }.map(\.message)
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("req-1 has no replica after 50 attempts (") == true)
    }

    @Test func invalidSettingsAreRefusedAndChangeNothing() {
        let (harness, _) = fullReplicaHarness()
        var settings = harness.router.settings
        settings.maxBackoff = 0.001
        #expect(throws: ConfigurationError.self) { try harness.router.apply(settings, by: CommandOrigin(user: "test")) }
        #expect(harness.router.settings == .defaults)
    }

    @Test func undoGoesBackOneChange() throws {
        let (harness, _) = fullReplicaHarness()
        var settings = harness.router.settings
        settings.backoffMultiplier = 3
        try harness.router.apply(settings, by: CommandOrigin(user: "alice", address: "10.0.0.5"))
        #expect(harness.router.settings.backoffMultiplier == 3)
        #expect(harness.router.undoSettings(by: CommandOrigin(user: "alice")) == .defaults)
        #expect(harness.router.settings == .defaults)
        #expect(harness.router.undoSettings(by: CommandOrigin(user: "alice")) == nil)
        let messages = harness.router.snapshot(mode: .simulated).events.filter { $0.kind == .settings }.map(\.message)
        #expect(messages == [
            "set: backoff multiplier 2 → 3 by alice from 10.0.0.5",
            "undo: backoff multiplier 3 → 2 by alice",
        ])
    }
}
