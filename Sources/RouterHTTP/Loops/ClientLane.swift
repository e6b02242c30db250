import NIOCore

/// An event loop that carries client connections and their upstream calls for a router living on
/// another loop (the engine's): the two mailboxes between them.
///
/// The engine loop itself has no lane: its requests reach the router with no hop at all.
final class ClientLane: Sendable {
    /// The lane's place among the proxy's loops (1 and up; 0 is the engine's loop).
    let index: Int
    let eventLoop: any EventLoop
    /// Posted to on the lane's loop: admissions, cancellations, outcomes of upstream calls.
    let toEngine: LoopMailbox
    /// Posted to on the engine's loop: upstream calls to start or cancel, how requests ended.
    let toLane: LoopMailbox

    init(index: Int, eventLoop: any EventLoop, engine: any EventLoop) {
        self.index = index
        self.eventLoop = eventLoop
        toEngine = LoopMailbox(from: eventLoop, to: engine)
        toLane = LoopMailbox(from: engine, to: eventLoop)
    }
}
