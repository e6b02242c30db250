import Foundation
import NIOConcurrencyHelpers
import RouterAPI

/// A router's control as the API serves it: every snapshot names the router (its socket's name
/// and this process), so a client that sees many routers can tell them apart.
final class IdentifiedControl: RouterControl {
    private let base: any RouterControl
    private let identity = NIOLockedValueBox(RouterIdentity.thisProcess(name: ""))

    init(_ base: any RouterControl) { self.base = base }

    /// Names the router after its control socket: `/run/user/1000/routertop/edge.sock` is `edge`.
    func name(socketPath: String) {
        let file = (socketPath as NSString).lastPathComponent
        let name = file.hasSuffix(".sock") ? String(file.dropLast(5)) : file
        identity.withLockedValue { $0.name = name }
    }

    func latestSnapshot() -> RouterSnapshot {
        var snapshot = base.latestSnapshot()
        let identity = identity.withLockedValue { $0 }
        snapshot.router.name = identity.name
        snapshot.router.pid = identity.pid
        snapshot.router.arguments = identity.arguments
        return snapshot
    }

    var connection: ConnectionState { base.connection }

    func perform(_ command: RouterCommand, by origin: CommandOrigin, completion: @escaping @Sendable (CommandResult) -> Void) {
        base.perform(command, by: origin, completion: completion)
    }

    func traces(limit: Int, completion: @escaping @Sendable (RequestTraceLog) -> Void) {
        base.traces(limit: limit, completion: completion)
    }

    func journal(completion: @escaping @Sendable (Result<JournalReply, JournalWriteError>) -> Void) {
        base.journal(completion: completion)
    }

    func recording(completion: @escaping @Sendable (Result<Recording, WhatIfError>) -> Void) {
        base.recording(completion: completion)
    }

    func whatIf(_ edited: RouterSettings, completion: @escaping @Sendable (Result<WhatIfReply, WhatIfError>) -> Void) {
        base.whatIf(edited, completion: completion)
    }

    func suggest(
        within bounds: SuggestBounds, progress: @escaping @Sendable (Int, Int) -> Void,
        completion: @escaping @Sendable (Result<SuggestReply, WhatIfError>) -> Void
    ) {
        base.suggest(within: bounds, progress: progress, completion: completion)
    }
}
