@testable import RouterEngine

/// A timer handle that only says whether it was cancelled.
final class RecordedCancel: Cancellable {
    private(set) var cancelled = false
    func cancel() { cancelled = true }
}
