import Foundation

struct PollTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Checks `condition` until it holds or the deadline passes; never a fixed sleep.
func poll(
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
