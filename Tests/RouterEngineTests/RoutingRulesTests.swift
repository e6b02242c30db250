import Testing
@testable import RouterEngine

/// The eight routing rules of the design, each on virtual time, exactly.
struct RoutingRulesTests {
    private static let everywhere = Locality(node: "node-a", zone: "zone-1", preferLocal: false)

    /// The replicas each probing task waits for.
    static func awaited(by router: Router) -> [[ReplicaID]] {
        router.taskPool.oldestFirst.compactMap { task in
            guard case .probing(_, let awaiting, _) = task.machine.state else { return nil }
            return awaiting.sorted()
        }
    }

    // Rule 1: nothing waits on a replica that is gone.
    @Test(arguments: ["remove", "drain"])
    func aReplicaLeavingDuringItsProbeReleasesTheTaskAtOnce(how: String) throws {
        let harness = RouterHarness(options: Router.Options(locality: Self.everywhere, routingTimeout: nil))
        let gone = harness.add("gone", hangs: true)
        let other = harness.add("other", rtt: .ms(50))
        let id = harness.submit()
        harness.run(for: .ms(10))
        #expect(Self.awaited(by: harness.router) == [["gone", "other"]])
        if how == "remove" { try harness.router.removeReplica("gone") } else { try harness.router.drainReplica("gone") }
        #expect(Self.awaited(by: harness.router) == [["other"]])
        harness.run(for: .ms(40))
        #expect(other.received == [id])
        #expect(other.receivedTimes == [.ms(50)])
        #expect(gone.received.isEmpty)
        #expect(harness.router.totals.pending == 0)
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 0)
    }

    @Test func aRequestWhoseOnlyCandidateLeavesIsServedByTheNextReplica() throws {
        let harness = RouterHarness(options: Router.Options(locality: Self.everywhere, routingTimeout: nil))
        harness.add("gone", hangs: true)
        let id = harness.submit()
        harness.run(for: .ms(10))
        try harness.router.removeReplica("gone")
        // Released at once: nothing left to route to, so no task lingers and counts toward the cap.
        #expect(harness.router.snapshot(mode: .simulated).routingTasks == 0)
        let next = harness.add("next")
        harness.settle()
        #expect(next.received == [id])
    }

    @Test func requestsRunningOnAReplicaFoundDeadAreRoutedAgainAtOnce() {
        let harness = RouterHarness(settings: RouterSettings(cacheTimeout: 0), options: Router.Options(locality: Self.everywhere))
        var answer = ProbeAnswer.queueLength(0)
        let dying = harness.add("dying", max: 5) { answer }
        harness.settle()
        let running = harness.submit()
        harness.settle()
        #expect(dying.received == [running])
        answer = .dead
        let survivor = harness.add("survivor", max: 5, rtt: .ms(5))
        harness.run(for: .ms(5))
        // The next request's probe finds "dying" dead: the request on it goes to the survivor now.
        let next = harness.submit()
        harness.run(for: .ms(20))
        #expect(harness.router.replica("dying")?.state == .dead)
        #expect(Set(survivor.received) == [running, next])
        #expect(harness.router.retryTotals.reroutes == 1)
        #expect(harness.router.totals.running == 2 && harness.router.totals.isConserved)
    }

    // Rule 2: re-queued requests keep their place.
    @Test func reroutedRequestsGoBackInAdmissionOrder() {
        let harness = RouterHarness(options: Router.Options(locality: Self.everywhere, routingTimeout: nil))
        let first = harness.add("first", max: 3)
        first.probeAnswer = { [unowned first] in .queueLength(first.open.count) }
        harness.settle()
        for _ in 0..<3 { harness.submit() }
        harness.settle()
        #expect(first.received == [1, 2, 3].map { RequestID($0) })
        let fourth = harness.submit()
        harness.settle()
        #expect(harness.router.totals.pending == 1)
        // The replica dies with three requests on it; they go back ahead of the fourth.
        first.finishAll(.replicaDied)
        harness.settle()
        #expect(harness.router.queue.pending.filter(\.isPending).map(\.id) == [1, 2, 3, 4].map { RequestID($0) })
        let second = harness.add("second", max: 10)
        harness.settle()
        #expect(second.received == [1, 2, 3].map { RequestID($0) })
        // The fourth searched twice in vain against the full replica at 0 ms: its search sleeps the
        // rest of that backoff (25 ms) before it is routed, behind the three.
        harness.run(for: .ms(25))
        #expect(second.received == [1, 2, 3].map { RequestID($0) } + [fourth])
    }

    @Test func refusedRequestsGoBackAheadOfYoungerOnes() {
        let harness = RouterHarness(options: Router.Options(locality: Self.everywhere, routingTimeout: nil))
        let replica = harness.add("r1", max: 2) { .queueLength(0) }
        harness.settle()
        harness.submit()
        harness.submit()
        harness.settle()
        replica.probeAnswer = { .queueLength(2) }
        harness.submit()
        harness.settle()
        replica.finishAll(.rejected(queueLength: 2))
        harness.settle()
        #expect(harness.router.queue.pending.filter(\.isPending).map(\.id) == [1, 2, 3].map { RequestID($0) })
    }

    // Rule 3: locality tiers once per request.
    @Test func theLocalTiersAreTriedOnceEachThenOnlyAllReplicas() throws {
        let harness = RouterHarness(options: Router.Options(routingTimeout: nil))
        let local = harness.add("local", node: "node-a", zone: "zone-1", max: 1) { .queueLength(1) }
        let remote = harness.add("remote", node: "node-c", zone: "zone-2", max: 1) { .queueLength(1) }
        harness.settle()
        harness.submit()
        harness.run(for: .ms(200))
        // Node tier and zone tier (the same single replica) once each, at once; then all replicas,
        // with the backoff: 0, 25, 50, 100 ms.
        #expect(local.probeTimes == [.ms(0), .ms(0), .ms(0), .ms(0), .ms(0), .ms(25), .ms(75), .ms(175)])
        #expect(remote.probeTimes == [.ms(0), .ms(0), .ms(0), .ms(25), .ms(75), .ms(175)])
        let attempts = try #require(harness.router.queue[RequestID(1)]?.trace?.attempts)
        #expect(attempts.map(\.tier) == [.node, .zone, .all, .all, .all, .all, .all])
        #expect(attempts.map(\.waitMs) == [nil, nil, 0, 25, 50, 100, 200])
        #expect(harness.router.retryTotals.failedAttempts == 5)
    }

    // Rule 4: sends keep the cache fresh.
    @Test func aSendRefreshesTheEntrySoSteadyTrafficNeedsNoProbe() throws {
        let harness = RouterHarness(settings: RouterSettings(cacheTimeout: 1), options: Router.Options(locality: Self.everywhere))
        let replica = harness.add("r1", max: 5, rtt: .ms(50))
        harness.run(for: .ms(900))
        harness.submit()
        harness.settle()
        #expect(replica.receivedTimes == [.ms(900)])
        var entry = try #require(harness.router.replicaSet["r1"]?.cache)
        #expect(entry.length == 1 && entry.learnedAt == .ms(900))
        harness.run(for: .ms(600))
        harness.submit()
        harness.settle()
        // At 1.5 s the probed entry (0 s) has expired, but the send at 0.9 s stamped it: no probe.
        #expect(replica.receivedTimes == [.ms(900), .ms(1500)])
        #expect(replica.probeTimes == [.zero])
        entry = try #require(harness.router.replicaSet["r1"]?.cache)
        #expect(entry.length == 2 && entry.learnedAt == .ms(1500))
        harness.run(for: .ms(100))
        replica.finishOldest()
        harness.settle()
        entry = try #require(harness.router.replicaSet["r1"]?.cache)
        #expect(entry.length == 1 && entry.learnedAt == .ms(1600))
    }

    @Test func aSendWithoutAFreshEntryCountsFromZeroAndACompletionNeverRevivesAnExpiredOne() throws {
        let harness = RouterHarness(settings: RouterSettings(cacheTimeout: 1), options: Router.Options(locality: Self.everywhere))
        let replica = harness.add("r1", max: 5) { .queueLength(3) }
        harness.settle()
        harness.run(for: .ms(1500))
        // The entry (3, learned at 0) has expired: the probe answers 3 again, the send makes it 4.
        harness.submit()
        harness.settle()
        var entry = try #require(harness.router.replicaSet["r1"]?.cache)
        #expect(entry.length == 4 && entry.learnedAt == .ms(1500))
        harness.run(for: .ms(1500))
        replica.finishOldest()
        harness.settle()
        entry = try #require(harness.router.replicaSet["r1"]?.cache)
        #expect(entry.length == 4 && entry.learnedAt == .ms(1500))
    }

    // Rule 5: a refusal is a failed attempt, never a loop.
    @Test func aReplicaThatKeepsRefusingIsRetriedOnTheBackoffSchedule() throws {
        let harness = RouterHarness(options: Router.Options(locality: Self.everywhere, routingTimeout: nil))
        let liar = harness.add("liar", max: 5, rtt: .ms(1)) { .queueLength(0) }
        liar.refuses = true
        harness.submit()
        harness.run(for: .ms(200))
        // Sent after the first probe, refused; retried at once (probe first: the cache says full),
        // refused again; then 25, 50, 100 ms after each refusal, each after a 1 ms probe.
        #expect(liar.receivedTimes == [.ms(1), .ms(2), .ms(28), .ms(79), .ms(180)])
        let entry = try #require(harness.router.replicaSet["liar"]?.cache)
        #expect(entry.length == 5 && entry.learnedAt == .ms(180))
        #expect(harness.router.replica("liar")?.rejected == 5)
        #expect(harness.router.retryTotals.failedAttempts == 5)
        #expect(harness.router.backoffWaitsByAttempt[2] == [.ms(25)])
    }

    @Test func aRefusedRequestIsNeverResentAtOnceToTheReplicaThatRefused() {
        let harness = RouterHarness(options: Router.Options(locality: Self.everywhere, routingTimeout: nil))
        let refusing = harness.add("refusing", max: 5, rtt: .ms(5)) { .queueLength(0) }
        refusing.refuses = true
        harness.settle()
        harness.run(for: .ms(10))
        let id = harness.submit()
        harness.settle()
        #expect(refusing.receivedTimes == [.ms(10)])
        // The cache now says full (stamped now): the retry probes first, 5 ms later.
        harness.run(for: .ms(4))
        #expect(refusing.received == [id])
        harness.run(for: .ms(1))
        #expect(refusing.received == [id, id])
    }

    // Rule 6: the replica's own limit wins.
    @Test func aReportedMaximumReplacesTheConfiguredOneWithOneWarning() {
        let harness = RouterHarness(settings: RouterSettings(cacheTimeout: 0), options: Router.Options(locality: Self.everywhere, routingTimeout: nil))
        let replica = harness.add("r1", max: 5) { .queueLength(2, maxOngoingRequests: 2) }
        harness.settle()
        #expect(harness.router.replica("r1")?.maxOngoingRequests == 2)
        for _ in 0..<3 { harness.submit() }
        harness.run(for: .ms(100))
        // Two probes answered "2 of 2": full, so nothing was sent.
        #expect(replica.received.isEmpty)
        let warnings = harness.router.snapshot(mode: .simulated).events.filter { $0.kind == .warning }.map(\.message)
        #expect(warnings == ["r1 reports max_ongoing_requests 2, configured 5; using 2"])
    }

    @Test func aReplicaThatNeverReportsAMaximumUsesTheConfiguredOne() {
        let harness = RouterHarness(options: Router.Options(locality: Self.everywhere))
        harness.add("r1", max: 7) { .queueLength(0) }
        harness.settle()
        #expect(harness.router.replica("r1")?.maxOngoingRequests == 7)
        #expect(harness.router.snapshot(mode: .simulated).events.allSatisfy { $0.kind != .warning })
    }

    // Rule 7: deadlines count from admission.
    @Test(arguments: [(900.0, 1000.0), (1500.0, 1500.0)])
    func theRoutingDeadlineCountsFromAdmissionAcrossRefusals(refusedAt: Double, failsAt: Double) {
        let harness = RouterHarness(options: Router.Options(locality: Self.everywhere, routingTimeout: .seconds(1)))
        let replica = harness.add("r1", max: 5) { .queueLength(0) }
        harness.settle()
        let id = harness.submit()
        harness.settle()
        #expect(replica.received == [id])
        harness.run(for: .ms(refusedAt))
        replica.probeAnswer = { .queueLength(5) }
        replica.finishOldest(.rejected(queueLength: 5))
        harness.settle()
        if failsAt > refusedAt {
            #expect(harness.results.byID[id] == nil)
            harness.run(for: .ms(failsAt - refusedAt - 1))
            #expect(harness.results.byID[id] == nil)
            harness.run(for: .ms(1))
        }
        #expect(harness.results.byID[id] == .failed(.routingTimeout))
        #expect(harness.now == .ms(failsAt))
        #expect(harness.router.totals.isConserved && harness.router.totals.pending == 0)
    }

    // Rule 8: one truth about waits.
    @Test func aRearmedSleepReportsTheWaitItNowSleeps() throws {
        let harness = RouterHarness(options: Router.Options(locality: Self.everywhere, routingTimeout: nil))
        harness.add("r1", max: 1) { .queueLength(1) }
        harness.settle()
        harness.submit()
        harness.run(for: .ms(40))
        // Failed attempt 3 at 25 ms: sleeping 50 ms until 75 ms.
        #expect(harness.router.backoffWaitsByAttempt[3] == [.ms(50)])
        var settings = harness.router.settings
        settings.initialBackoff = 0.01
        try harness.router.apply(settings, by: CommandOrigin(user: "test"))
        let timer = try #require(harness.router.snapshot(mode: .simulated).backoffTimers.first)
        #expect(timer.wait == .ms(20) && timer.wakeAt == .ms(45))
        #expect(harness.router.backoffWaitsByAttempt[3] == [.ms(20)])
        #expect(harness.router.retryTotals.backoffSleeps == 2)
        #expect(harness.router.queue[RequestID(1)]?.trace?.attempts.last?.waitMs == 20)
    }

    @Test func aZeroWaitIsReportedAsTheOneMillisecondFloorItSleeps() throws {
        let harness = RouterHarness(
            settings: RouterSettings(initialBackoff: 0, backoffMultiplier: 2, maxBackoff: 0.5),
            options: Router.Options(locality: Self.everywhere, routingTimeout: nil)
        )
        let replica = harness.add("r1", max: 1) { .queueLength(1) }
        harness.settle()
        harness.submit()
        harness.run(for: .ms(3))
        #expect(replica.probeTimes == [.ms(0), .ms(0), .ms(0), .ms(1), .ms(2), .ms(3)])
        #expect(harness.router.backoffWaitsSlept == [.ms(1)])
        let timer = try #require(harness.router.snapshot(mode: .simulated).backoffTimers.first)
        #expect(timer.wait == .ms(1))
    }

    @Test("each draw fills the pair it is given afresh: two different replicas of the tier, or the one there is")
    func pairDraws() {
        let harness = RouterHarness()
        for id in ["r1", "r2", "r3"] { harness.add(id) }
        let tier = harness.router.allTier
        #expect(tier.count == 3)
        var pair: [ReplicaRecord] = []
        var seen = Set<String>()
        for _ in 0..<50 {
            harness.router.pickPair(from: tier, into: &pair)
            #expect(pair.count == 2 && pair[0] !== pair[1])
            #expect(pair.allSatisfy { drawn in tier.contains { $0 === drawn } })
            seen.formUnion(pair.map(\.id.rawValue))
        }
        #expect(seen == ["r1", "r2", "r3"])
        harness.router.pickPair(from: [tier[1]], into: &pair)
        #expect(pair.count == 1 && pair[0] === tier[1])
    }
}
