/// How a change reached the router.
public enum ChangeVia: String, Equatable, Sendable, Codable {
    /// The dashboard of the router's own process.
    case dashboard
    /// A dashboard attached over the control socket.
    case attach
    /// The control API.
    case api
    /// SIGHUP in a headless router.
    case reload
    /// A scenario's timed event.
    case scenario
    /// The router itself: a trial that ran out or lost its operator.
    case router
    /// Ray Serve pushed new deployment settings to the router (a redeploy).
    case ray
}

/// Who made a change, as far as the router can tell.
public struct JournalWho: Equatable, Sendable, Codable {
    public var login: String
    public var uid: UInt32?
    /// The SSH client address the operator's session claims; not verified.
    public var sshClient: String?
    public var via: ChangeVia

    public init(login: String, uid: UInt32? = nil, sshClient: String? = nil, via: ChangeVia) {
        self.login = login
        self.uid = uid
        self.sshClient = sshClient
        self.via = via
    }

    /// The operator of `origin`; a command that says nothing of its path came from the dashboard.
    public init(_ origin: CommandOrigin) {
        self.init(login: origin.user, uid: origin.uid, sshClient: origin.address, via: origin.via ?? .dashboard)
    }

    enum CodingKeys: String, CodingKey {
        case login, uid, via
        case sshClient = "ssh_client"
    }
}

/// Whether a journaled change took effect.
public enum JournalResult: String, Equatable, Sendable, Codable {
    case applied
    case refused
}

/// One line of the journal: a change, who made it, and whether it was applied.
public struct JournalEntry: Equatable, Sendable, Codable {
    /// Numbers the entries from 1 across restarts and rotations.
    public var sequence: UInt64
    /// UTC, to the millisecond: 2026-12-01T10:14:03.123Z (`time_utc` in JSON).
    public var time: String
    public var who: JournalWho
    public var change: ChangeRecord
    public var result: JournalResult
    /// Why the change was refused.
    public var reason: String?
    /// Why the router made the change by itself (a trial that timed out), or what it reverts to.
    public var note: String?
    /// The rollout this change is part of, when one router of many took it (`rollout` in JSON).
    public var rollout: RolloutMark? = nil

    public init(
        sequence: UInt64 = 0, time: String = "", who: JournalWho, change: ChangeRecord, result: JournalResult,
        reason: String? = nil, note: String? = nil, rollout: RolloutMark? = nil
    ) {
        self.sequence = sequence
        self.time = time
        self.who = who
        self.change = change
        self.result = result
        self.reason = reason
        self.note = note
        self.rollout = rollout
    }

    enum CodingKeys: String, CodingKey {
        case sequence
        case time = "time_utc"
        case who, result, reason, note, rollout
        case what, target, verb, old, new
        // How journals written by routertop before the version-1 contract named these; read, never written.
        case earlierSequence = "seq"
        case earlierTime = "time"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decodeIfPresent(UInt64.self, forKey: .sequence)
            ?? container.decode(UInt64.self, forKey: .earlierSequence)
        time = try container.decodeIfPresent(String.self, forKey: .time) ?? container.decode(String.self, forKey: .earlierTime)
        who = try container.decode(JournalWho.self, forKey: .who)
        change = ChangeRecord(
            subject: try container.decode(ChangeSubject.self, forKey: .what),
            target: try container.decodeIfPresent(String.self, forKey: .target),
            verb: try container.decode(String.self, forKey: .verb),
            old: try container.decodeIfPresent(ChangeValue.self, forKey: .old) ?? .absent,
            new: try container.decodeIfPresent(ChangeValue.self, forKey: .new) ?? .absent
        )
        result = try container.decode(JournalResult.self, forKey: .result)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        rollout = try container.decodeIfPresent(RolloutMark.self, forKey: .rollout)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(time, forKey: .time)
        try container.encode(who, forKey: .who)
        try container.encode(change.subject, forKey: .what)
        try container.encodeIfPresent(change.target, forKey: .target)
        try container.encode(change.verb, forKey: .verb)
        try container.encode(change.old, forKey: .old)
        try container.encode(change.new, forKey: .new)
        try container.encode(result, forKey: .result)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(note, forKey: .note)
        try container.encodeIfPresent(rollout, forKey: .rollout)
    }

    /// One line for a terminal: "#12 2026-12-01T10:14:03.123Z alice (api) settings set: … applied".
    public var line: String {
        let outcome = result == .applied ? "applied" : "refused: \(reason ?? "")"
        let from = who.sshClient.map { " from \($0)" } ?? ""
        let why = note.map { " (\($0))" } ?? ""
        let part = rollout.map { " [rollout \($0.id)]" } ?? ""
        return "#\(sequence) \(time) \(who.login)\(from) (\(who.via.rawValue)) \(change.subject.rawValue) "
            + "\(change.verb): \(change.summary)\(why)\(part) — \(outcome)"
    }
}

/// Where the router writes each change before it takes effect; the hosts provide it, so the
/// engine stays free of file I/O.
public protocol ChangeJournal: AnyObject {
    /// Writes `entry` durably, numbering and timing it; returns it as written, or why it could not be.
    func append(_ entry: JournalEntry) -> Result<JournalEntry, JournalWriteError>
}

/// Why an entry could not be written; a change that cannot be journaled is refused.
public struct JournalWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The answer to `GET /v1/journal?after=SEQ`.
public struct JournalReply: Codable, Equatable, Sendable {
    public var entries: [JournalEntry]
    /// Where the journal is, and what was found wrong in it at start (a torn last line).
    public var path: String
    public var problems: [String]

    public init(entries: [JournalEntry], path: String, problems: [String]) {
        self.entries = entries
        self.path = path
        self.problems = problems
    }
}
