import Dashboard
import Testing
import Foundation
import TestSupport
import RouterEngine

/// Snapshots built with the engine's public initialisers, and helpers to read a screen.
enum Fixtures {
    static func replica(_ index: Int, queue: Int? = nil, state: ReplicaState = .healthy, routed: Int? = nil) -> ReplicaSnapshot {
        ReplicaSnapshot(
            id: ReplicaID("replica-\(index)"),
            node: index % 2 == 0 ? "node-a" : "node-b",
            zone: index % 3 == 0 ? "zone-1" : "zone-2",
            state: state,
            maxOngoingRequests: 5,
            queueLength: queue ?? index % 6,
            queueSource: [.probe, .cache, .local][index % 3],
            cacheAge: .milliseconds(100 * index),
            inFlight: index % 4,
            routed: routed ?? 1000 + index * 37,
            completed: 990 + index * 37,
            rejected: index % 5,
            probeTimeouts: index % 2,
            retriesAttributed: index * 3,
            probeRTT: .microseconds(500 + index * 10),
            latencyP50: .milliseconds(10),
            latencyP99: .milliseconds(40 + index),
            rate: Double(index % 10) + 0.5,
            rateHistory: (0..<60).map { Double(($0 + index) % 12) },
            fault: nil
        )
    }

    static func snapshot(
        replicas count: Int = 8, mode: RouterMode = .simulated, settings: RouterSettings = .defaults,
        time: EngineTime = .seconds(125), timers: [BackoffTimerSnapshot]? = nil, events: [RouterEvent]? = nil
    ) -> RouterSnapshot {
        snapshot(replicas: (0..<count).map { replica($0) }, mode: mode, settings: settings, time: time,
                 timers: timers, events: events)
    }

    static func snapshot(
        replicas: [ReplicaSnapshot], mode: RouterMode = .simulated, settings: RouterSettings = .defaults,
        time: EngineTime = .seconds(125), timers: [BackoffTimerSnapshot]? = nil, events: [RouterEvent]? = nil
    ) -> RouterSnapshot {
        var totals = RequestTotals()
        totals.admitted = 5000
        totals.completed = 4990
        totals.pending = 7
        totals.running = 3
        var retries = RetryTotals()
        retries.failedAttempts = 42
        retries.backoffSleeps = 30
        retries.reroutes = 2
        return RouterSnapshot(
            time: time, mode: mode, settings: settings, startupSettings: .defaults, legacyBackoff: false,
            locality: Locality(node: "node-a", zone: "zone-1"), totals: totals, routingTasks: 3,
            maxRoutingTasks: min(50, 2 * replicas.count), tasksInBackoff: 2, rateIn: 120.5, rateOut: 119.25,
            fulfillment: LatencySummary(count: 100, p50: .microseconds(800), p99: .milliseconds(31)),
            replicas: replicas,
            backoffTimers: timers ?? [
                BackoffTimerSnapshot(taskID: 1, requestID: RequestID(4711), failedAttempts: 3, wait: .milliseconds(50),
                                     inBackoffSince: time + .milliseconds(-200), wakeAt: time + .milliseconds(20)),
                BackoffTimerSnapshot(taskID: 2, requestID: RequestID(4712), failedAttempts: 1, wait: .zero,
                                     inBackoffSince: time),
            ],
            attemptsHistogram: [AttemptBucket(attempts: 1, requests: 4800), AttemptBucket(attempts: 2, requests: 150),
                                AttemptBucket(attempts: 3, requests: 40)],
            retries: retries,
            events: events ?? [
                RouterEvent(time: .seconds(3), kind: .replica, message: "replica-1 is unavailable"),
                RouterEvent(time: .seconds(9), kind: .settings,
                            message: "set: initial backoff (s) 0.025 → 0.01 by alice from 10.0.0.5"),
            ],
            simulation: mode == .simulated ? SimulationStatus(requestsPerSecond: 100, arrival: .poisson) : nil
        )
    }

    /// The repository's themes/ folder, found from this file's path.
    static var themesDirectory: String {
        PackagePaths.file("themes").path
    }

    static func configuration(readOnly: Bool = false, ascii: Bool = false, exportDirectory: String = NSTemporaryDirectory()) -> DashboardConfiguration {
        DashboardConfiguration(
            refreshMilliseconds: 500, readOnly: readOnly, ascii: ascii, colorDepth: .full256,
            origin: CommandOrigin(user: "alice", address: "10.0.0.5"),
            themeSearchDirectories: [themesDirectory], exportDirectory: exportDirectory
        )
    }

    static func controller(
        _ control: FakeRouterControl, readOnly: Bool = false, ascii: Bool = false, exportDirectory: String = NSTemporaryDirectory()
    ) -> DashboardController {
        DashboardController(control: control, configuration: configuration(readOnly: readOnly, ascii: ascii, exportDirectory: exportDirectory),
                            theme: .plain)
    }
}

extension DashboardController {
    func type(_ text: String) {
        for character in text { handle(.character(character)) }
    }
}

extension Screen {
    /// The rows whose text contains `needle`.
    func rows(containing needle: String) -> [String] {
        (0..<height).map(row).filter { $0.contains(needle) }
    }

    func contains(_ needle: String) -> Bool { !rows(containing: needle).isEmpty }
}

/// A failed expectation shows the screen as a person would read it, not as a list of cells.
extension Screen: CustomTestStringConvertible {
    public var testDescription: String { "\n" + text }
}
