import NIOConcurrencyHelpers
import NIOCore
import RouterEngine

/// Runs a router host on one event loop and publishes its snapshots to other threads.
///
/// The dashboard's thread reads `latestSnapshot()` without waiting for the loop, and commands hop
/// onto the loop, so the router itself is only ever touched from its loop.
public final class LiveRouter: RouterControl, Sendable {
    public let eventLoop: any EventLoop
    private let published: NIOLockedValueBox<RouterSnapshot>
    private let host: NIOLoopBound<any RouterHost>
    private let publisher: NIOLoopBoundBox<RepeatedTask?>

    /// Builds the host on the loop and starts publishing.
    ///
    /// - Parameters:
    ///   - eventLoop: the loop the router lives on.
    ///   - publishEvery: how often a fresh snapshot is published.
    ///   - makeHost: builds the host on the loop, given a scheduler for it.
    public init(
        eventLoop: any EventLoop,
        publishEvery: Duration = .milliseconds(100),
        makeHost: @escaping @Sendable (EventLoopScheduler) -> any RouterHost
    ) throws {
        self.eventLoop = eventLoop
        let made = try eventLoop.submit { () -> NIOLoopBound<any RouterHost> in
            NIOLoopBound(makeHost(EventLoopScheduler(eventLoop: eventLoop)), eventLoop: eventLoop)
        }.wait()
        self.host = made
        self.published = NIOLockedValueBox(try eventLoop.submit { made.value.snapshot() }.wait())
        self.publisher = try eventLoop.submit { NIOLoopBoundBox<RepeatedTask?>(nil, eventLoop: eventLoop) }.wait()
        let interval = TimeAmount.nanoseconds(publishEvery.nanosecondsClamped)
        let published = self.published
        let publisher = self.publisher
        try eventLoop.submit {
            publisher.value = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                published.withLockedValue { $0 = made.value.snapshot() }
            }
        }.wait()
    }

    public func latestSnapshot() -> RouterSnapshot {
        published.withLockedValue { $0 }
    }

    public func perform(
        _ command: RouterCommand, by origin: CommandOrigin,
        completion: @escaping @Sendable (CommandResult) -> Void
    ) {
        let host = self.host
        let published = self.published
        eventLoop.execute {
            let result = host.value.perform(command, by: origin)
            // Publish at once so the operator sees the effect on the next frame.
            published.withLockedValue { $0 = host.value.snapshot() }
            completion(result)
        }
    }

    /// Runs `body` on the loop with the host, for wiring that needs it (tests, the proxy).
    public func withHost<T: Sendable>(_ body: @escaping @Sendable (any RouterHost) -> T) -> EventLoopFuture<T> {
        let host = self.host
        return eventLoop.submit { body(host.value) }
    }

    /// Stops publishing snapshots.
    public func stop() {
        let publisher = self.publisher
        eventLoop.execute { publisher.value?.cancel() }
    }
}
