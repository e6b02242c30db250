import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RouterEngine
import RouterRuntime
import Testing

/// The live runtime on a real event loop: snapshots published to other threads, commands hopping on.
struct LiveRouterTests {
    static func poll(timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }

    @Test func publishesSnapshotsAndAppliesCommands() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let live = try LiveRouter(eventLoop: group.next(), publishEvery: .milliseconds(20)) { scheduler in
            let host = SimulationHost(
                fleet: .standard, settings: .defaults, scheduler: scheduler, seed: 5,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            )
            host.start()
            return host
        }
        defer { live.stop() }
        #expect(Self.poll { live.latestSnapshot().totals.completed > 20 })

        var settings = RouterSettings.defaults
        settings.initialBackoff = 0.01
        let result = NIOLockedValueBox<CommandResult?>(nil)
        live.perform(.applySettings(settings), by: CommandOrigin(user: "test")) { outcome in
            result.withLockedValue { $0 = outcome }
        }
        #expect(Self.poll { result.withLockedValue { $0 } != nil })
        #expect(result.withLockedValue { $0 } == .done("settings applied"))
        #expect(live.latestSnapshot().settings.initialBackoff == 0.01)
        #expect(live.latestSnapshot().events.contains { $0.message.contains("initial backoff (s) 0.025 → 0.01 by test") })
    }
}

