/// The dashboard's only view of a router: snapshots out, commands in.
///
/// Narrow on purpose, so a router in another process stands behind the same interface.
public protocol RouterControl: AnyObject, Sendable {
    /// The most recently published snapshot; cheap, callable from any thread.
    func latestSnapshot() -> RouterSnapshot

    /// Whether the snapshots are live: always for a router in this process.
    var connection: ConnectionState { get }

    /// Asks the router to do something; `completion` says whether it was done, from any thread.
    func perform(
        _ command: RouterCommand, by origin: CommandOrigin,
        completion: @escaping @Sendable (CommandResult) -> Void
    )

    /// The decision traces of the most recently finished requests (at most `limit`), from any thread.
    func traces(limit: Int, completion: @escaping @Sendable (RequestTraceLog) -> Void)

    /// The router's change journal, oldest entry first, from any thread.
    func journal(completion: @escaping @Sendable (Result<JournalReply, JournalWriteError>) -> Void)

    /// The router's recent traffic (`GET /v1/recording`), from any thread.
    func recording(completion: @escaping @Sendable (Result<Recording, WhatIfError>) -> Void)

    /// The recorded traffic replayed under the live settings and under `edited`, computed off the
    /// caller's thread (`POST /v1/whatif`).
    func whatIf(_ edited: RouterSettings, completion: @escaping @Sendable (Result<WhatIfReply, WhatIfError>) -> Void)

    /// The best backoff settings within `bounds` for the recorded traffic (`POST /v1/suggest`);
    /// `progress` is told (replays done, replays planned) as the search goes.
    func suggest(
        within bounds: SuggestBounds, progress: @escaping @Sendable (Int, Int) -> Void,
        completion: @escaping @Sendable (Result<SuggestReply, WhatIfError>) -> Void
    )
}

extension RouterControl {
    public func recording(completion: @escaping @Sendable (Result<Recording, WhatIfError>) -> Void) {
        completion(.failure(WhatIfError.noRecording))
    }

    public func whatIf(_ edited: RouterSettings, completion: @escaping @Sendable (Result<WhatIfReply, WhatIfError>) -> Void) {
        completion(.failure(WhatIfError.noRecording))
    }

    public func suggest(
        within bounds: SuggestBounds, progress: @escaping @Sendable (Int, Int) -> Void,
        completion: @escaping @Sendable (Result<SuggestReply, WhatIfError>) -> Void
    ) {
        completion(.failure(WhatIfError.noRecording))
    }
}

extension RouterControl {
    /// A control without a router behind it keeps no traces.
    public func traces(limit: Int, completion: @escaping @Sendable (RequestTraceLog) -> Void) {
        completion(RequestTraceLog(capacity: 0, evicted: 0, traces: []))
    }
}

extension RouterControl {
    public var connection: ConnectionState { .inProcess }
}

extension RouterControl {
    /// The router's change journal; a control without one says so.
    public func journal(completion: @escaping @Sendable (Result<JournalReply, JournalWriteError>) -> Void) {
        completion(.failure(JournalWriteError("this router keeps no journal")))
    }
}

extension RouterCommand {
    /// True for the commands that change the settings (and so make a settings event when done).
    public var changesSettings: Bool {
        guard case .settings(let command) = self else { return false }
        return command.changesSettings
    }
}

/// Something an operator asks the router to do.
public enum RouterCommand: Equatable, Sendable, Codable {
    /// A change to the live settings, or the end of a session that holds settings on trial; every
    /// host hands these to the router engine as they are.
    case settings(SettingsCommand)
    /// Simulated fleet only: the synthetic load.
    case setLoad(requestsPerSecond: Double)
    /// Add a replica: a simulated one, or the HTTP replica at `address`.
    case addReplica(address: String?)
    case removeReplica(ReplicaID)
    case drainReplica(ReplicaID)
    /// Lets a draining replica take requests again.
    case undrainReplica(ReplicaID)
    /// Simulated fleet only: break a replica on purpose.
    case injectFault(ReplicaID, SimulatedFault)
    /// Simulated fleet only: undo every fault of a replica.
    case recover(ReplicaID)
    /// Stop the router's process (finishing what is in flight); answered by a router that runs as
    /// a service of its own, not by one embedded in a dashboard.
    case stopRouting
}

/// A fault the simulated fleet can inject.
public enum SimulatedFault: Equatable, Sendable, Codable {
    /// Probes fail until recovered.
    case unavailable
    /// The replica dies: its requests fail and it leaves routing for good.
    case kill
    /// Probes answer only after `delay`.
    case slowProbe(delay: Duration)
    /// The replica reports itself full and refuses new work.
    case saturate
}

/// Who asked for a command, for the event log.
public struct CommandOrigin: Equatable, Sendable, Codable, CustomStringConvertible {
    public var user: String
    /// The client's address when the operator came in over SSH.
    public var address: String?
    /// The operator's uid, when the kernel or the process knows it.
    public var uid: UInt32?
    /// The path the command came by, for the journal (nil: the dashboard of this process).
    public var via: ChangeVia?
    /// The rollout the command is part of, journaled with the change.
    public var rollout: RolloutMark? = nil

    public init(
        user: String, address: String? = nil, uid: UInt32? = nil, via: ChangeVia? = nil, rollout: RolloutMark? = nil
    ) {
        self.user = user
        self.address = address
        self.uid = uid
        self.via = via
        self.rollout = rollout
    }

    public var description: String {
        address.map { "\(user) from \($0)" } ?? user
    }
}

/// Whether a command was carried out.
public enum CommandResult: Equatable, Sendable, Codable {
    case done(String)
    case refused(String)
}
