// Routing speed and the headline latency comparison, printed as figures.
// Run: scripts/release-build.sh --product RouterBenchmarks, then .build/release/RouterBenchmarks [scenario-folder]
import Foundation
import Logging
@_spi(Benchmarks) import RouterEngine
import RouterSimulation

/// A replica that answers at once: probes say `length`, requests complete on the next event.
final class InstantReplica: ReplicaConnection {
    let scheduler: VirtualScheduler
    init(scheduler: VirtualScheduler) { self.scheduler = scheduler }

    func probeQueueLength(_ answer: @escaping (ProbeAnswer) -> Void) -> (any Cancellable)? {
        scheduler.schedule(after: .zero) { answer(.queueLength(0)) }
    }

    func send(_ request: DispatchedRequest, _ finished: @escaping (SendOutcome) -> Void) -> (any Cancellable)? {
        scheduler.schedule(after: .zero) { finished(.completed) }
    }
}

let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

// `RouterBenchmarks replay`: the what-if replay figures only.
if CommandLine.arguments.dropFirst().first == "replay" {
    runReplayBenchmark()
    exit(0)
}

func makeRouter(replicas: Int, cacheTimeout: Double, traceCapacity: Int = 1000, recording: Bool = false) -> (Router, VirtualScheduler) {
    let scheduler = VirtualScheduler()
    let router = Router(
        settings: RouterSettings(cacheTimeout: cacheTimeout),
        options: Router.Options(
            locality: Locality(node: "node-0", zone: "zone-0"), routingTimeout: nil, traceCapacity: traceCapacity
        ),
        scheduler: scheduler, random: SeededRandom(seed: 42), logger: quiet
    )
    if recording { router.startRecording() }
    for index in 0..<replicas {
        let info = ReplicaInfo(
            id: ReplicaID("r\(index)"), node: "node-\(index % 4)", zone: "zone-\(index % 2)", maxOngoingRequests: 1_000_000
        )
        try! router.addReplica(info, connection: InstantReplica(scheduler: scheduler))
    }
    scheduler.run(until: scheduler.now)
    return (router, scheduler)
}

func measure(_ label: String, operations: Int, repeats: Int = 5, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let clock = ContinuousClock()
        let elapsed = clock.measure(body)
        best = min(best, elapsed.secondsValue)
    }
    let rate = Double(operations) / best
    let padded = label.padding(toLength: 52, withPad: " ", startingAt: 0)
    print(String(format: "  %@ %12.0f /s  (%6.1f ns each)", padded, rate, best / Double(operations) * 1e9))
    return rate
}

print("Routing decisions on one core (best of 5)")
for replicas in [8, 128, 1024] {
    let (router, _) = makeRouter(replicas: replicas, cacheTimeout: 1e9)
    var decisions = CacheDecisions(router: router)
    var sink = 0
    _ = measure("cache-hit decision, \(replicas) replicas", operations: 2_000_000) {
        for _ in 0..<2_000_000 { if decisions.decide() != nil { sink &+= 1 } }
    }
    precondition(sink > 0)
}
/// Admit, route, dispatch and complete one request at a time, `count` times (after `unmeasured` more).
func requestCycles(_ label: String, replicas: Int, cacheTimeout: Double, count: Int, traceCapacity: Int = 1000,
                   recording: Bool = false, unmeasured: Int = 0) {
    let (router, scheduler) = makeRouter(
        replicas: replicas, cacheTimeout: cacheTimeout, traceCapacity: traceCapacity, recording: recording
    )
    for _ in 0..<unmeasured {
        router.submit { _ in }
        scheduler.run(until: scheduler.now)
    }
    _ = measure("full request cycle, \(label), \(replicas) replicas", operations: count) {
        for _ in 0..<count {
            router.submit { _ in }
            scheduler.run(until: scheduler.now)
        }
    }
}
for replicas in [8, 128, 1024] { requestCycles("cache hit", replicas: replicas, cacheTimeout: 1e9, count: 200_000) }
for replicas in [8, 128, 1024] { requestCycles("probe path", replicas: replicas, cacheTimeout: 0, count: 100_000) }
// The same cycle without decision traces (a live router keeps the last 1,000 by default).
requestCycles("cache hit, no traces", replicas: 8, cacheTimeout: 1e9, count: 200_000, traceCapacity: 0)
// Recording for what-if, its lists full (250,000 requests): each request's entries make the oldest leave.
requestCycles("recording full", replicas: 8, cacheTimeout: 1e9, count: 200_000, recording: true, unmeasured: 260_000)

print("\nSnapshots (taken several times a second by the dashboard)")
for replicas in [16, 256, 1024] {
    let (router, scheduler) = makeRouter(replicas: replicas, cacheTimeout: 1e9)
    for _ in 0..<50_000 {
        router.submit { _ in }
        scheduler.run(until: scheduler.now + .microseconds(100))
    }
    var count = 0
    _ = measure("snapshot, \(replicas) replicas", operations: 200) {
        for _ in 0..<200 {
            scheduler.run(until: scheduler.now + .milliseconds(100))
            count &+= router.snapshot(mode: .simulated).replicas.count
        }
    }
    precondition(count > 0)
}

let folder = CommandLine.arguments.dropFirst().first ?? "Scenarios"
func runScenario(_ name: String, legacy: Bool) -> (ScenarioReport, Duration) {
    let scenario = try! ScenarioParser.load(path: "\(folder)/\(name)")
    let settings = try! ScenarioRunner.settings(for: scenario, base: .defaults)
    let clock = ContinuousClock()
    var report: ScenarioReport?
    let elapsed = clock.measure { report = ScenarioRunner.run(scenario, settings: settings, legacyBackoff: legacy) }
    return (report!, elapsed)
}

print("\nScenario speed (virtual time, wall-clock cost)")
for name in ["steady.toml", "burst.toml", "faults.toml", "near-capacity.toml"] {
    let (report, elapsed) = runScenario(name, legacy: false)
    let padded = name.padding(toLength: 20, withPad: " ", startingAt: 0)
    print(String(format: "  %@ %5.0f s simulated, %6d requests in %7.1f ms", padded, report.durationS, report.admitted, elapsed.millisecondsValue))
}

print("\nFulfilment latency, first retry immediate (default) vs legacy (first retry sleeps)")
for name in ["near-capacity.toml", "burst.toml"] {
    let (current, _) = runScenario(name, legacy: false)
    let (legacy, _) = runScenario(name, legacy: true)
    let c = current.fulfillmentMs
    let l = legacy.fulfillmentMs
    print("  \(name)")
    print(String(format: "    default  p50 %8.3f ms  p99 %8.3f ms", c.p50, c.p99))
    print(String(format: "    legacy   p50 %8.3f ms  p99 %8.3f ms", l.p50, l.p99))
    print(String(format: "    legacy/default  p50 ×%.2f  p99 ×%.2f", l.p50 / max(c.p50, 0.001), l.p99 / max(c.p99, 0.001)))
}
