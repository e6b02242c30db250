import Logging
import RouterEngine

/// Replays a recording on virtual time under any settings: the recorded arrivals, offered to a
/// router whose replicas behave as the recorded ones did.
public enum RecordingReplay {
    /// Runs `plan` under `settings` throughout, or, when nil, as recorded (the settings in force at
    /// the start, changed when they were changed), and reports as a scenario run does (its seed is
    /// 0, its duration the recording's span).
    public static func run(
        _ plan: ReplayPlan, settings fixed: RouterSettings?, legacyBackoff: Bool? = nil,
        trace: ((RequestTrace) -> Void)? = nil
    ) -> ScenarioReport {
        var options = plan.options
        if let legacyBackoff { options.legacyBackoff = legacyBackoff }
        let scheduler = VirtualScheduler(start: plan.startTime)
        let router = Router(
            settings: fixed ?? plan.recordedSettings, options: options, scheduler: scheduler,
            random: SeededRandom(stateWords: plan.randomWords),
            logger: Logger(label: "routertop.replay", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        router.traceSink = trace
        var fleet: [ReplayedReplica] = []
        var fleetRandom = SeededRandom(seed: 0x5EED)
        func add(_ index: Int) {
            let spec = plan.replicas[index]
            let replica = ReplayedReplica(
                plan: spec, fleetService: plan.fleetService, fleetRoundTrip: plan.fleetRoundTrip,
                scheduler: scheduler, random: SeededRandom(seed: fleetRandom.next())
            )
            guard (try? router.addReplica(spec.info, connection: replica)) != nil else { return }
            fleet.append(replica)
        }
        for index in plan.replicas.indices where plan.replicas[index].addedAt.map({ $0 < plan.start }) ?? true {
            add(index)
        }
        func carryOut(_ change: ReplayPlan.Change) {
            switch change {
            case .add(let index): add(index)
            case .remove(let id): try? router.removeReplica(id)
            case .drain(let id): try? router.drainReplica(id)
            case .undrain(let id): try? router.undrainReplica(id)
            case .settings(let settings):
                guard fixed == nil else { return }
                _ = router.perform(settings: .apply(settings), by: CommandOrigin(user: "replay", via: .scenario))
            }
        }
        // Changes at the very start happen before the first arrival, as they did when recorded.
        for (at, change) in plan.changes {
            if at <= plan.start {
                carryOut(change)
            } else {
                scheduler.schedule(at: EngineTime(nanoseconds: at)) { carryOut(change) }
            }
        }
        // One arrival scheduled at a time, as a load generator does, so the timer queue stays short.
        var next = 0
        func arrive() {
            let model = plan.arrivalModel[next]
            next += 1
            if next < plan.arrivalAt.count {
                scheduler.schedule(at: EngineTime(nanoseconds: plan.arrivalAt[next])) { arrive() }
            }
            router.submit(model: model) { _ in }
        }
        if !plan.arrivalAt.isEmpty {
            scheduler.schedule(at: EngineTime(nanoseconds: plan.arrivalAt[0])) { arrive() }
        }
        let end = plan.endTime
        while scheduler.step(limit: end) {}
        let drainEnd = end + ScenarioRunner.drainLimit
        while router.totals.pending + router.totals.running > 0, scheduler.step(limit: drainEnd) {}
        let scenario = Scenario(seed: 0, duration: plan.duration, options: options,
                                fleet: FleetSpec(replicas: [], load: SimulationStatus(requestsPerSecond: 0, arrival: .poisson)))
        let report = ScenarioRunner.report(for: router, scenario: scenario)
        for replica in fleet { replica.abandonAll() }
        router.shutdown()
        scheduler.cancelAll()
        return report
    }

    /// The figures a what-if shows, from a replay's report.
    public static func figures(of report: ScenarioReport) -> WhatIfFigures {
        WhatIfFigures(
            fulfillmentP50Ms: report.fulfillmentMs.p50, fulfillmentP99Ms: report.fulfillmentMs.p99,
            failedAttempts: report.retries.failedAttempts, backoffSleeps: report.retries.backoffSleeps,
            routingTimeouts: report.failed[FailureReason.routingTimeout.rawValue] ?? 0,
            requests: report.admitted, fulfilled: report.admitted - report.failed.values.reduce(0, +)
        )
    }

    /// The live settings and the edited ones replayed side by side, the two at once.
    public static func whatIf(_ plan: ReplayPlan, live: RouterSettings, edited: RouterSettings) -> WhatIfReply {
        let started = ContinuousClock.now
        let results = ReplayBatch.run(plan, settings: [live, edited])
        return WhatIfReply(
            startS: plan.startTime.seconds, endS: plan.endTime.seconds, liveSettings: live, editedSettings: edited,
            live: results[0], edited: results[1],
            elapsedMs: (ContinuousClock.now - started).millisecondsValue
        )
    }
}
