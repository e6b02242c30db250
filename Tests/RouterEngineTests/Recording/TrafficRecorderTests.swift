import Logging
import Testing
@testable import RouterEngine
@testable import RouterSimulation

struct TrafficRecorderTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The standard fleet at 320 req/s, recorded within `limits`, run for `seconds` of virtual time.
    static func record(_ limits: TrafficRecorder.Limits, seconds: Int) -> (Recording, Router) {
        let scheduler = VirtualScheduler()
        let host = SimulationHost(fleet: .standard, settings: .defaults, scheduler: scheduler, seed: 5, logger: Self.quiet, recording: limits)
        host.start()
        scheduler.run(until: .zero + .seconds(seconds))
        let recording = host.router.recording()!
        host.shutdown()
        scheduler.cancelAll()
        return (recording, host.router)
    }

    @Test func itKeepsTheLastWindowAndDropsNothingWithinItsBound() throws {
        let (recording, router) = Self.record(.standard, seconds: 90)
        #expect(recording.windowS == 60)
        #expect(recording.startS == 30)
        #expect(recording.endS == 90)
        #expect(recording.dropped == Recording.Counts())
        let arrivals = recording.arrivals.atMs
        #expect(arrivals.first! >= 30_000 && arrivals.last! < 90_000)
        // 320 req/s for 60 s, Poisson: about 19,200.
        #expect((17_000...21_500).contains(arrivals.count))
        #expect(router.totals.admitted > arrivals.count + 8000)
        #expect(recording.replicas.count == 8)
        let sends = recording.replicas.map(\.sends.atMs.count).reduce(0, +)
        #expect(sends >= arrivals.count - 100)
        #expect(recording.replicas.allSatisfy { $0.sends.atMs.allSatisfy { $0 >= 30_000 } })
        // Replicas added at the start are older than the window: no change is kept for them.
        #expect(recording.changes.isEmpty)
        #expect(recording.observed.arrivals == arrivals.count)
        #expect(recording.observed.fulfillmentP99Ms != nil)
        #expect(recording.observed.failures.isEmpty)
    }

    @Test func aFullListDropsItsOldestCountsThemAndTheWindowStartsLater() throws {
        var limits = TrafficRecorder.Limits.standard
        limits.arrivals = 1000
        let (recording, router) = Self.record(limits, seconds: 20)
        #expect(recording.arrivals.atMs.count == 1000)
        #expect(recording.dropped.arrivals == router.totals.admitted - 1000)
        #expect(recording.dropped.sends == 0)
        #expect(recording.limits.arrivals == 1000)
        // The window now starts at the oldest arrival kept, and everything else is cut there too.
        #expect(recording.startS * 1000 == recording.arrivals.atMs[0])
        #expect(recording.replicas.allSatisfy { $0.sends.atMs.allSatisfy { $0 >= recording.arrivals.atMs[0] } })
    }

    /// A settings change that leaves the list, to make room or by age, is what the recording's
    /// settings start from; the changes kept follow it.
    @Test func aSettingsChangeThatLeavesTheListIsWhatTheRecordingStartsFrom() throws {
        var limits = TrafficRecorder.Limits.standard
        limits.changes = 3
        let scheduler = VirtualScheduler()
        let host = SimulationHost(fleet: .standard, settings: .defaults, scheduler: scheduler, seed: 5, logger: Self.quiet, recording: limits)
        host.start()
        // Four changes a second apart, each its own initial backoff: 0.11 s, 0.12 s, 0.13 s, 0.14 s.
        let changed = (1...4).map { step in
            var settings = RouterSettings.defaults
            settings.initialBackoff = 0.1 + Double(step) / 100
            return settings
        }
        for (index, settings) in changed.enumerated() {
            scheduler.run(until: .zero + .seconds(index + 1))
            try host.router.apply(settings, by: CommandOrigin(user: "test"))
        }
        scheduler.run(until: .zero + .seconds(5))
        // The first left to make room for the fourth (the replicas' additions had left before it).
        let full = try #require(host.router.recording())
        #expect(full.dropped.changes == 8 + 1)
        #expect(full.settings == changed[0])
        #expect(full.changes.map(\.settings) == Array(changed[1...]))
        // 62.5 s in, the window starts at 2.5 s: the second left by age.
        scheduler.run(until: .zero + .milliseconds(62_500))
        let aged = try #require(host.router.recording())
        host.shutdown()
        scheduler.cancelAll()
        #expect(aged.settings == changed[1])
        #expect(aged.changes.map(\.settings) == Array(changed[2...]))
        #expect(aged.changes.map(\.atS) == [3, 4])
    }

    @Test func theMemoryBoundIsTheListsFull() {
        let limits = TrafficRecorder.Limits.standard
        #expect(limits.memoryBoundBytes == 250_000 * 16 + 250_000 * 24 + 250_000 * 24 + 250_000 * 24
            + 1000 * (MemoryLayout<TrafficRecorder.ChangeEntry>.stride + 64) + 1202 * 24)
        #expect(limits.memoryBoundBytes < 25_000_000)
    }

    @Test func aProbeWithoutAnAnswerInTimeIsRecordedAsATimeout() throws {
        let scheduler = VirtualScheduler()
        let host = SimulationHost(fleet: .standard, settings: .defaults, scheduler: scheduler, seed: 5, logger: Self.quiet, recording: .standard)
        _ = host.inject(.slowProbe(delay: .milliseconds(500)), into: "r1", for: nil, by: CommandOrigin(user: "test"))
        host.start()
        scheduler.run(until: .zero + .seconds(5))
        let r1 = try #require(host.router.recording()?.replicas.first { $0.id == "r1" })
        host.shutdown()
        scheduler.cancelAll()
        let timeouts = r1.probes.answer.indices.filter { r1.probes.answer[$0] == ProbeAnswerName.timeout }
        #expect(!timeouts.isEmpty)
        #expect(timeouts.allSatisfy { r1.probes.roundTripMs[$0] == nil })
    }

    /// The window an unavailable replica was out for: from its first unavailable answer, through
    /// the sends already on it finishing (they say nothing of its probes), to halfway between its
    /// last unavailable answer and the first question it answered again.
    @Test func anUnavailableWindowEndsHalfwayToTheFirstAnswerAfterIt() throws {
        let scheduler = VirtualScheduler()
        let host = SimulationHost(fleet: .standard, settings: .defaults, scheduler: scheduler, seed: 5, logger: Self.quiet, recording: .standard)
        host.start()
        scheduler.run(until: .zero + .seconds(5))
        _ = host.inject(.unavailable, into: "r1", for: .seconds(3), by: CommandOrigin(user: "test"))
        scheduler.run(until: .zero + .seconds(15))
        let r1 = try #require(host.router.recording()?.replicas.first { $0.id == "r1" })
        host.shutdown()
        scheduler.cancelAll()
        let window = try #require(r1.unavailable.first)
        #expect(r1.unavailable.count == 1)
        #expect((5...5.1).contains(window.fromS))
        let to = try #require(window.toS)
        // Probes (by issue time) and when each was answered.
        let probes = r1.probes.atMs.indices.map { (at: r1.probes.atMs[$0] / 1000, answer: r1.probes.answer[$0],
                                                     answeredAt: (r1.probes.atMs[$0] + (r1.probes.roundTripMs[$0] ?? 0)) / 1000) }
        let lastUnavailable = try #require(probes.last { $0.answer == ProbeAnswerName.unavailable })
        let back = try #require(probes.first { $0.at > lastUnavailable.at && $0.answer == ProbeAnswerName.queueLength })
        // Recovery probes 0.5 s apart, doubling: the last unavailable answer 1.5 s in, the first
        // answer 3.5 s in, and the window ends halfway.
        #expect(abs(to - (lastUnavailable.answeredAt + back.at) / 2) < 0.000_001)
        #expect((7...8).contains(to))
    }
}
