import RouterAPI
import RouterAttach
import RouterRuntime

/// An attached router whose what-if and suggestions are computed in this process when the router
/// cannot: a Ray Serve router's bridge records its traffic (`GET /v1/recording`) but has no
/// routertop engine to replay it, so this process replays the recording the bridge serves, with
/// the engine every routertop binary carries. Every other call goes to the router.
final class ReplayingControl: RouterControl, Sendable {
    private let remote: RemoteRouter

    init(_ remote: RemoteRouter) {
        self.remote = remote
    }

    /// Whether the router replays its own recording: every kind but a Ray router does.
    private var routerReplays: Bool { remote.latestSnapshot().mode.kind != .ray }

    func latestSnapshot() -> RouterSnapshot { remote.latestSnapshot() }

    var connection: ConnectionState { remote.connection }

    func perform(_ command: RouterCommand, by origin: CommandOrigin,
                 completion: @escaping @Sendable (CommandResult) -> Void) {
        remote.perform(command, by: origin, completion: completion)
    }

    func traces(limit: Int, completion: @escaping @Sendable (RequestTraceLog) -> Void) {
        remote.traces(limit: limit, completion: completion)
    }

    func journal(completion: @escaping @Sendable (Result<JournalReply, JournalWriteError>) -> Void) {
        remote.journal(completion: completion)
    }

    func recording(completion: @escaping @Sendable (Result<Recording, WhatIfError>) -> Void) {
        remote.recording(completion: completion)
    }

    func whatIf(_ edited: RouterSettings, completion: @escaping @Sendable (Result<WhatIfReply, WhatIfError>) -> Void) {
        guard !routerReplays else { return remote.whatIf(edited, completion: completion) }
        let live = remote.latestSnapshot().settings
        remote.recording { recorded in
            WhatIfWorker.shared.whatIf(recorded, live: live, edited: edited, completion: completion)
        }
    }

    func suggest(
        within bounds: SuggestBounds, progress: @escaping @Sendable (Int, Int) -> Void,
        completion: @escaping @Sendable (Result<SuggestReply, WhatIfError>) -> Void
    ) {
        guard !routerReplays else { return remote.suggest(within: bounds, progress: progress, completion: completion) }
        let live = remote.latestSnapshot().settings
        remote.recording { recorded in
            WhatIfWorker.shared.suggest(recorded, live: live, bounds: bounds, progress: progress, completion: completion)
        }
    }
}
