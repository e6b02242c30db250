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
    /// The snapshot publisher and, for a simulated host, the virtual-time ticker.
    private let repeating: NIOLoopBoundBox<[RepeatedTask]>

    /// Builds the host on the loop, on real timers, and starts publishing.
    ///
    /// - Parameters:
    ///   - eventLoop: the loop the router lives on.
    ///   - publishEvery: how often a fresh snapshot is published.
    ///   - makeHost: builds the host on the loop, given a scheduler for it.
    public convenience init(
        eventLoop: any EventLoop,
        publishEvery: Duration = .milliseconds(100),
        makeHost: @escaping @Sendable (EventLoopScheduler) -> any RouterHost
    ) throws {
        try self.init(eventLoop: eventLoop, publishEvery: publishEvery, build: { _ in
            makeHost(EventLoopScheduler(eventLoop: eventLoop))
        })
    }

    /// Builds a simulated host on virtual time that follows the real clock in steps of `tick`.
    ///
    /// A simulated fleet needs no real timers: every simulated event still fires at its exact
    /// virtual moment and in order, but the loop wakes only once per tick to catch up, instead of
    /// once per arrival, completion and probe.
    public convenience init(
        eventLoop: any EventLoop,
        publishEvery: Duration = .milliseconds(100),
        virtualTimeTick tick: Duration,
        makeHost: @escaping @Sendable (VirtualScheduler) -> any RouterHost
    ) throws {
        try self.init(eventLoop: eventLoop, publishEvery: publishEvery, build: { tasks in
            let start = NIODeadline.now()
            let scheduler = VirtualScheduler()
            // A live fleet's virtual time follows the real clock from now: its events carry the time of day.
            scheduler.wallClockOrigin = UTCTime.now()
            let host = makeHost(scheduler)
            let bound = NIOLoopBound(scheduler, eventLoop: eventLoop)
            let interval = TimeAmount.nanoseconds(tick.nanosecondsClamped)
            tasks.append(eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                bound.value.run(until: EngineTime(nanoseconds: (NIODeadline.now() - start).nanoseconds))
            })
            return host
        })
    }

    private init(
        eventLoop: any EventLoop,
        publishEvery: Duration,
        build: @escaping @Sendable (inout [RepeatedTask]) -> any RouterHost
    ) throws {
        self.eventLoop = eventLoop
        let (made, repeating) = try eventLoop.submit { () -> (NIOLoopBound<any RouterHost>, NIOLoopBoundBox<[RepeatedTask]>) in
            var tasks: [RepeatedTask] = []
            let host = build(&tasks)
            return (NIOLoopBound(host, eventLoop: eventLoop), NIOLoopBoundBox(tasks, eventLoop: eventLoop))
        }.wait()
        self.host = made
        self.repeating = repeating
        self.published = NIOLockedValueBox(try eventLoop.submit { made.value.snapshot() }.wait())
        let interval = TimeAmount.nanoseconds(publishEvery.nanosecondsClamped)
        let published = self.published
        try eventLoop.submit {
            repeating.value.append(eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                published.withLockedValue { $0 = made.value.snapshot() }
            })
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

    public func traces(limit: Int, completion: @escaping @Sendable (RequestTraceLog) -> Void) {
        let host = self.host
        eventLoop.execute { completion(host.value.recentTraces(limit: limit)) }
    }

    public func recording(completion: @escaping @Sendable (Result<Recording, WhatIfError>) -> Void) {
        let host = self.host
        eventLoop.execute {
            guard let recording = host.value.recording() else { return completion(.failure(.noRecording)) }
            completion(.success(recording))
        }
    }

    public func whatIf(_ edited: RouterSettings, completion: @escaping @Sendable (Result<WhatIfReply, WhatIfError>) -> Void) {
        let live = latestSnapshot().settings
        recording { result in
            WhatIfWorker.shared.whatIf(result, live: live, edited: edited, completion: completion)
        }
    }

    public func suggest(
        within bounds: SuggestBounds, progress: @escaping @Sendable (Int, Int) -> Void,
        completion: @escaping @Sendable (Result<SuggestReply, WhatIfError>) -> Void
    ) {
        let live = latestSnapshot().settings
        recording { result in
            WhatIfWorker.shared.suggest(result, live: live, bounds: bounds, progress: progress, completion: completion)
        }
    }

    /// Runs `body` on the loop with the host, for wiring that needs it (tests, the proxy).
    public func withHost<T: Sendable>(_ body: @escaping @Sendable (any RouterHost) -> T) -> EventLoopFuture<T> {
        let host = self.host
        return eventLoop.submit { body(host.value) }
    }

    /// Stops publishing snapshots (and ticking virtual time) and shuts the host down (its router
    /// with it), on the loop; the last snapshot published stays readable.
    public func stop() {
        let repeating = self.repeating
        let host = self.host
        eventLoop.execute {
            repeating.value.forEach { $0.cancel() }
            host.value.shutdown()
        }
    }
}
