import Logging
import RouterEngine

/// Runs a scenario on virtual time. The same scenario, settings and seed give the same report.
public enum ScenarioRunner {
    /// How long after the end of the load the run waits for requests still in the router.
    public static let drainLimit: Duration = .seconds(120)

    /// Runs `scenario` with `settings` (the file's `[router]` values already applied by the caller,
    /// see `settings(for:base:flags:)`).
    ///
    /// - Parameters:
    ///   - observe: called after every event on the timeline, for checks that must hold at every
    ///     instant.
    ///   - maxSteps: stops the run after this many events (a guard for tests of random fleets).
    ///   - trace: receives every request's decision trace as it finishes (deterministic order).
    public static func run(
        _ scenario: Scenario,
        settings: RouterSettings,
        legacyBackoff: Bool? = nil,
        multiplexRouting: Bool? = nil,
        logger: Logger = Logger(label: "routertop.simulate", factory: { _ in SwiftLogNoOpLogHandler() }),
        observe: ((Router) -> Void)? = nil,
        maxSteps: Int = .max,
        trace: ((RequestTrace) -> Void)? = nil,
        recording: ((Recording) -> Void)? = nil
    ) -> ScenarioReport {
        var options = scenario.options
        if let legacyBackoff { options.legacyBackoff = legacyBackoff }
        if let multiplexRouting { options.multiplexRouting = multiplexRouting }
        // A run hands its traces to `trace` as they finish; it keeps none of its own.
        options.traceCapacity = 0
        let scheduler = VirtualScheduler()
        let host = SimulationHost(
            fleet: scenario.fleet, settings: settings, options: options,
            scheduler: scheduler, seed: scenario.seed, logger: logger,
            recording: recording == nil ? nil : .standard
        )
        host.router.traceSink = trace
        let origin = CommandOrigin(user: "scenario", via: .scenario)
        for event in scenario.events {
            scheduler.schedule(at: .zero + event.at) {
                apply(event.action, to: host, by: origin)
            }
        }
        let end = EngineTime.zero + scenario.duration
        host.start(until: end)
        var steps = 0
        while steps < maxSteps, scheduler.step(limit: end) {
            steps += 1
            observe?(host.router)
        }
        // Past the end no request arrives; let those still in the router finish or fail.
        let drainEnd = end + drainLimit
        while steps < maxSteps, host.router.totals.pending + host.router.totals.running > 0,
              scheduler.step(limit: drainEnd) {
            steps += 1
            observe?(host.router)
        }
        if let recording, let recorded = host.router.recording() { recording(recorded) }
        var result = report(for: host.router, scenario: scenario)
        if let log = host.modelLog {
            result.models = ScenarioReport.Models(
                log: log, caches: host.replicas.keys.sorted().compactMap { host.replicas[$0]?.modelCache },
                multiplexRouting: host.router.options.multiplexRouting
            )
        }
        host.shutdown()
        scheduler.cancelAll()
        return result
    }

    /// The settings a scenario runs with: the base (defaults and environment), then the file's
    /// `[router]` values, then explicit command-line flags; validated as a whole.
    public static func settings(
        for scenario: Scenario, base: RouterSettings, flags: [RouterSettingKey: Double] = [:]
    ) throws(ConfigurationError) -> RouterSettings {
        var settings = base
        for (key, value) in scenario.settingOverrides { settings[key] = value }
        for (key, value) in flags { settings[key] = value }
        try SettingsValidator.validate(settings) { key in
            flags[key] != nil ? "--\(key.flag)" : scenario.settingOverrides[key] != nil ? key.fileKey : key.environmentVariable
        }
        return settings
    }

    private static func apply(_ action: ScenarioEvent.Action, to host: SimulationHost, by origin: CommandOrigin) {
        let result: CommandResult
        switch action {
        case .fault(let id, let fault, let duration):
            result = host.inject(fault, into: id, for: duration, by: origin)
        case .recover(let id):
            result = host.recover(id, by: origin)
        case .addReplica(let spec):
            result = host.add(spec)
        case .removeReplica(let id):
            result = host.perform(.removeReplica(id), by: origin)
        case .setBackoff(let values):
            var settings = host.router.settings
            for (key, value) in values { settings[key] = value }
            result = host.perform(.settings(.apply(settings)), by: origin)
        case .setLoad(let rate):
            result = host.setLoad(rate, by: origin)
        }
        if case .refused(let reason) = result {
            host.router.record(.warning, "scenario event refused: \(reason)")
        }
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        (duration.millisecondsValue * 1000).rounded() / 1000
    }

    static func report(for router: Router, scenario: Scenario) -> ScenarioReport {
        let totals = router.totals
        var failed: [String: Int] = [:]
        for reason in FailureReason.allCases { failed[reason.rawValue] = totals.failed[reason] ?? 0 }
        let retries = router.retryTotals
        return ScenarioReport(
            seed: scenario.seed,
            durationS: scenario.duration.secondsValue,
            legacyBackoff: router.options.legacyBackoff,
            admitted: totals.admitted,
            completed: totals.completed,
            failed: failed,
            pending: totals.pending,
            running: totals.running,
            conserved: totals.isConserved,
            fulfillmentMs: .init(router.lifetimeFulfillment),
            attemptsHistogram: Dictionary(uniqueKeysWithValues: router.attemptsHistogram.map { ("\($0.attempts)", $0.requests) }),
            backoffWaitsMs: router.backoffWaitsSlept.map(milliseconds),
            backoffWaitsByAttemptMs: Dictionary(
                uniqueKeysWithValues: router.backoffWaitsByAttempt.map { ("\($0.key)", $0.value.map(milliseconds)) }
            ),
            retries: .init(
                failedAttempts: retries.failedAttempts, backoffSleeps: retries.backoffSleeps,
                reroutes: retries.reroutes, warnings: retries.warnings, unavailableSends: retries.unavailableSends
            ),
            replicas: router.replicaIDs.compactMap(router.replica).map { replica in
                .init(
                    id: replica.id.rawValue, routed: replica.routed, completed: replica.completed,
                    rejected: replica.rejected, probeTimeouts: replica.probeTimeouts, finalState: replica.state.rawValue
                )
            },
            params: router.settings
        )
    }
}
