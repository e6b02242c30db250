import Dashboard
import RouterEngine
import Synchronization

/// Time to compute one dashboard frame into the cell grid, for fleets of 16, 256 and 1024
/// replicas at 120×40 and 200×60. Built by `scripts/release-build.sh --product
/// DashboardBenchmarks`, run as `.build/release/DashboardBenchmarks`.

final class StaticControl: RouterControl {
    private let snapshot: Mutex<RouterSnapshot>
    init(_ snapshot: RouterSnapshot) { self.snapshot = Mutex(snapshot) }
    func latestSnapshot() -> RouterSnapshot { snapshot.withLock { $0 } }
    func perform(_ command: RouterCommand, by origin: CommandOrigin, completion: @escaping @Sendable (CommandResult) -> Void) {
        completion(.done(""))
    }
}

func fleet(_ count: Int) -> RouterSnapshot {
    var random = SeededRandom(seed: 42)
    let replicas = (0..<count).map { index -> ReplicaSnapshot in
        let queue = Int(random.next() % 6)
        return ReplicaSnapshot(
            id: ReplicaID("replica-\(index)"), node: "node-\(index % 8)", zone: "zone-\(index % 3)",
            state: index % 17 == 0 ? .unavailable : .healthy, maxOngoingRequests: 5,
            queueLength: queue, queueSource: [.probe, .cache, .local][index % 3],
            cacheAge: .milliseconds(Int64(random.next() % 10_000)), inFlight: queue,
            routed: Int(random.next() % 1_000_000), completed: 0, rejected: Int(random.next() % 100),
            probeTimeouts: Int(random.next() % 10), retriesAttributed: Int(random.next() % 1000),
            probeRTT: .microseconds(Int64(random.next() % 5000)), latencyP50: .milliseconds(10),
            latencyP99: .milliseconds(Int64(random.next() % 200)), rate: Double(random.next() % 100) / 3,
            rateHistory: (0..<60).map { _ in Double(random.next() % 40) }
        )
    }
    let timers = (0..<min(count, 50)).map { index in
        BackoffTimerSnapshot(taskID: index, requestID: RequestID(UInt64(1000 + index)), failedAttempts: 1 + index % 7,
                             wait: .milliseconds(25 << (index % 5)), inBackoffSince: .seconds(99),
                             wakeAt: .seconds(100) + .milliseconds(Int64(index % 40)))
    }
    let events = (0..<200).map { index in
        RouterEvent(time: .seconds(Double(index) / 2), kind: .replica, message: "replica-\(index % max(count, 1)) is unavailable")
    }
    return RouterSnapshot(
        time: .seconds(100), mode: .simulated, settings: .defaults, startupSettings: .defaults, legacyBackoff: false,
        locality: Locality(node: "node-0", zone: "zone-0"), totals: RequestTotals(), routingTasks: 50,
        maxRoutingTasks: 50, tasksInBackoff: timers.count, rateIn: 1234.5, rateOut: 1230.1,
        fulfillment: LatencySummary(count: 1000, p50: .milliseconds(1), p99: .milliseconds(40)),
        replicas: replicas, backoffTimers: timers,
        attemptsHistogram: (1...8).map { AttemptBucket(attempts: $0, requests: 10_000 >> $0) },
        retries: RetryTotals(), events: events,
        simulation: SimulationStatus(requestsPerSecond: 1000, arrival: .poisson)
    )
}

func measure(replicas: Int, size: TerminalSize, sortKeys: [Key], iterations: Int) -> (median: Double, p99: Double) {
    let control = StaticControl(fleet(replicas))
    let dashboard = DashboardController(control: control, configuration: DashboardConfiguration(), theme: .plain)
    for key in sortKeys { dashboard.handle(key) }
    var checksum = 0
    for _ in 0..<50 { checksum &+= dashboard.render(size: size).cells.count }
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    let clock = ContinuousClock()
    for _ in 0..<iterations {
        let start = clock.now
        let screen = dashboard.render(size: size)
        let elapsed = clock.now - start
        checksum &+= screen.cells.count
        samples.append(elapsed.secondsValue * 1e6)
    }
    precondition(checksum > 0)
    samples.sort()
    return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)])
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

func microseconds(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) µs"
}

print("dashboard frame time (render into the cell grid), 1000 frames each")
print("replicas     size  sort                  median         p99")
for replicas in [16, 256, 1024] {
    for size in [TerminalSize(columns: 120, rows: 40), TerminalSize(columns: 200, rows: 60)] {
        for (name, keys) in [("replica id", [Key]()), ("queue length", [.character("s"), .character("s"), .character("s")])] {
            let result = measure(replicas: replicas, size: size, sortKeys: keys, iterations: 1000)
            print(pad(String(replicas), 8) + pad(size.description, 9) + "  " + name.padding(20)
                  + pad(microseconds(result.median), 10) + pad(microseconds(result.p99), 12))
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
