import NIOCore
import RouterEngine

/// Runs the engine's timers on a SwiftNIO event loop, on real time.
///
/// The engine is confined to this loop: call the router only from `eventLoop`.
public final class EventLoopScheduler: EngineScheduler {
    public let eventLoop: any EventLoop
    private let start: NIODeadline
    public let wallClockOrigin: UTCTime

    public init(eventLoop: any EventLoop, start: NIODeadline = .now()) {
        self.eventLoop = eventLoop
        self.start = start
        self.wallClockOrigin = UTCTime.now() + .nanoseconds((start - NIODeadline.now()).nanoseconds)
    }

    public var now: EngineTime {
        EngineTime(nanoseconds: (NIODeadline.now() - start).nanoseconds)
    }

    @discardableResult
    public func schedule(at deadline: EngineTime, _ action: @escaping () -> Void) -> any Cancellable {
        eventLoop.preconditionInEventLoop()
        let timer = LoopTimer()
        let bound = NIOLoopBound(action, eventLoop: eventLoop)
        let fireAt = start + .nanoseconds(deadline.nanoseconds)
        timer.scheduled = eventLoop.scheduleTask(deadline: fireAt) { bound.value() }
        return timer
    }
}

private final class LoopTimer: Cancellable {
    var scheduled: Scheduled<Void>?

    func cancel() {
        scheduled?.cancel()
        scheduled = nil
    }
}
