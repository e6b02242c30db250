import Foundation

/// A wait that ran out: names what the test waited for.
public struct PollTimeout: Error, CustomStringConvertible {
    public var what: String
    public var description: String { "timed out waiting for \(what)" }

    public init(what: String) { self.what = what }
}

/// Reads `read` until it gives a value or `timeout` passes, checking every 10 ms; never a fixed
/// sleep. Blocks the calling thread.
public func waitFor<T>(_ timeout: Duration = .seconds(10), _ read: () -> T?) -> T? {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let value = read() { return value }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return read()
}

/// Checks `condition` until it holds or `timeout` passes; whether it held. Blocks the calling thread.
public func poll(timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
    waitFor(timeout) { condition() ? true : nil } ?? false
}

/// Reads `read` until it gives a value or `timeout` passes, sleeping between tries without
/// holding a thread, so tests running at the same time keep running.
public func eventually<T>(_ timeout: Duration = .seconds(10), _ read: () -> T?) async -> T? {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let value = read() { return value }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return read()
}

/// Checks `condition` until it holds or the deadline passes, without holding a thread; throws
/// `PollTimeout` naming `what` when it never held.
public func poll(
    _ what: String, timeout: Duration = .seconds(10), every: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: every)
    }
    if try await condition() { return }
    throw PollTimeout(what: what)
}
