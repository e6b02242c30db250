import NIOCore

/// Work one event loop hands to another, carried over in one batch per turn of the sending loop.
///
/// A post costs an append on the sending loop; the first post of a turn schedules one task there
/// that moves the whole batch with a single `execute` on the receiving loop. So the requests parsed
/// in one read batch cross in one hop (one wake-up of the receiving loop), and work arrives in the
/// order it was posted. `post` is called on `from` only; the work runs on `to`.
final class LoopMailbox: @unchecked Sendable {
    let from: any EventLoop
    let to: any EventLoop
    /// Touched on `from` only.
    private var batch: [() -> Void] = []

    init(from: any EventLoop, to: any EventLoop) {
        self.from = from
        self.to = to
    }

    func post(_ work: @escaping () -> Void) {
        assert(from.inEventLoop, "a mailbox is posted to on its sending loop only")
        batch.append(work)
        if batch.count == 1 { from.execute { self.send() } }
    }

    /// Posts and hands the batch over at once, for work the receiving loop must run before anything
    /// that follows from what the sending loop writes next: a model a replica reported reaches the
    /// router before the client has its answer and can send its next request.
    func postNow(_ work: @escaping () -> Void) {
        assert(from.inEventLoop, "a mailbox is posted to on its sending loop only")
        batch.append(work)
        send()
    }

    private func send() {
        // The turn's task finds nothing when `postNow` handed the batch over already.
        guard !batch.isEmpty else { return }
        let carried = Carried(batch)
        batch = []
        batch.reserveCapacity(carried.work.count)
        to.execute {
            for work in carried.work { work() }
        }
    }
}

/// A batch on its way between loops: made on the sending loop, run on the receiving loop only.
private struct Carried: @unchecked Sendable {
    let work: [() -> Void]

    init(_ work: [() -> Void]) { self.work = work }
}
