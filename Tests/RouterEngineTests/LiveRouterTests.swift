import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RouterEngine
import RouterSimulation
import RouterRuntime
import TestSupport
import Testing

/// The live runtime on a real event loop: snapshots published to other threads, commands hopping on.
struct LiveRouterTests {

    static func simulation(on scheduler: any EngineScheduler) -> SimulationHost {
        let host = SimulationHost(
            fleet: .standard, settings: .defaults, scheduler: scheduler, seed: 5,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        host.start()
        return host
    }

    @Test(arguments: [false, true])
    func publishesSnapshotsAndAppliesCommands(virtualTime: Bool) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let live = virtualTime
            ? try LiveRouter(eventLoop: group.next(), publishEvery: .milliseconds(20), virtualTimeTick: .milliseconds(10)) {
                Self.simulation(on: $0)
            }
            : try LiveRouter(eventLoop: group.next(), publishEvery: .milliseconds(20)) { Self.simulation(on: $0) }
        defer { live.stop() }
        #expect(poll { live.latestSnapshot().totals.completed > 20 })

        var settings = RouterSettings.defaults
        settings.initialBackoff = 0.01
        let result = NIOLockedValueBox<CommandResult?>(nil)
        live.perform(.settings(.apply(settings)), by: CommandOrigin(user: "test")) { outcome in
            result.withLockedValue { $0 = outcome }
        }
        #expect(poll { result.withLockedValue { $0 } != nil })
        #expect(result.withLockedValue { $0 } == .done("settings applied"))
        #expect(live.latestSnapshot().settings.initialBackoff == 0.01)
        #expect(live.latestSnapshot().events.contains { $0.message.contains("initial backoff (s) 0.025 → 0.01 by test") })
    }

    @Test func stoppingShutsTheHostAndItsRouterDown() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let live = try LiveRouter(eventLoop: group.next(), publishEvery: .milliseconds(20)) { Self.simulation(on: $0) }
        #expect(poll { live.latestSnapshot().totals.completed > 20 })
        live.stop()
        // Runs on the loop after the stop, which is queued first.
        let shutDown = try live.withHost { ($0 as? SimulationHost)?.router.isShutDown }.wait()
        #expect(shutDown == true)
        let refused = NIOLockedValueBox<CommandResult?>(nil)
        live.perform(.setLoad(requestsPerSecond: 10), by: CommandOrigin(user: "test")) { outcome in refused.withLockedValue { $0 = outcome } }
        #expect(poll { refused.withLockedValue { $0 } != nil })
        #expect(refused.withLockedValue { $0 } == .refused(Router.shutDownRefusal))
    }

    @Test func keepsTheTracesOfTheLastThousandRequestsBehindTheControlSeam() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let live = try LiveRouter(eventLoop: group.next(), publishEvery: .milliseconds(20), virtualTimeTick: .milliseconds(10)) {
            Self.simulation(on: $0)
        }
        defer { live.stop() }
        #expect(poll(timeout: .seconds(60)) { live.latestSnapshot().totals.completed > 1_100 })
        let log = NIOLockedValueBox<RequestTraceLog?>(nil)
        let control: any RouterControl = live
        control.traces(limit: 5_000) { traces in log.withLockedValue { $0 = traces } }
        #expect(poll { log.withLockedValue { $0 } != nil })
        let traces = try #require(log.withLockedValue { $0 })
        #expect(traces.capacity == 1_000)
        #expect(traces.traces.count == 1_000)
        #expect(traces.evicted > 0)
        #expect(traces.traces.allSatisfy { $0.outcome != nil && $0.finishedMs != nil })
    }
}
