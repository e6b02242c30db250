/// Where the engine's timers run and where its time comes from.
///
/// The engine is confined to one scheduler: every method of `Router`, and every callback a
/// `ReplicaConnection` makes, runs on it. Tests and scenarios use `VirtualScheduler`;
/// production runs on an event loop.
public protocol EngineScheduler: AnyObject {
    /// The current moment on the engine's timeline.
    var now: EngineTime { get }

    /// The wall-clock moment of engine time zero, so people can match engine times with logs.
    var wallClockOrigin: UTCTime { get }

    /// Runs `action` on this scheduler at `deadline` (at once if the deadline has passed, but never
    /// re-entrantly from inside this call).
    @discardableResult
    func schedule(at deadline: EngineTime, _ action: @escaping () -> Void) -> any Cancellable
}

extension EngineScheduler {
    /// A virtual timeline has no wall clock: it starts at the Unix epoch.
    public var wallClockOrigin: UTCTime { .epoch }

    /// `time` on the wall clock.
    public func utc(_ time: EngineTime) -> UTCTime { wallClockOrigin + (time - .zero) }

    /// Runs `action` after `delay` from now.
    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping () -> Void) -> any Cancellable {
        schedule(at: now + delay, action)
    }
}

/// Something scheduled or in flight that can be called off.
public protocol Cancellable: AnyObject {
    func cancel()
}
