import RouterAPI

/// What the start-up settings lose against the journal: the live changes of the last run that
/// the environment and flags no longer give.
public struct JournalDrift: Equatable, Sendable {
    /// The last applied settings change in the journal.
    public var entry: JournalEntry
    public var journaled: RouterSettings
    public var differences: [SettingsDifference]

    /// The drift between the journal's last applied settings and `startup`, or nil when there is none.
    public static func find(in entries: [JournalEntry], startup: RouterSettings) -> JournalDrift? {
        guard let last = JournalReplay.lastSettings(in: entries), let journaled = last.change.new.settings,
              journaled != startup else { return nil }
        return JournalDrift(entry: last, journaled: journaled,
                            differences: SettingsDifference.between(startup, journaled))
    }

    /// The flag that starts a router from the journal's settings and replica set.
    public static let resumeFlag = "--resume"

    /// "live changes from 2026-12-01 10:14 by alice are not in effect: initial backoff (s) 0.01 (now 0.025); start
    /// with --resume to keep them".
    public var warning: String {
        let values = differences.map {
            "\($0.key.label) \(SettingText.format($0.new)) (now \(SettingText.format($0.old)))"
        }
        return "live changes from \(JournalTime.minute(of: entry.time)) by \(entry.who.login) are not in effect: "
            + values.joined(separator: ", ") + "; start with \(Self.resumeFlag) to keep them"
    }

    /// "live replica changes from 2026-12-01 10:14 by alice are not in effect: added 127.0.0.1:9001; removed
    /// 127.0.0.1:9000; start with --resume to keep them", or nil when the replay changes nothing.
    public static func replicaWarning(_ replicas: JournalReplicas) -> String? {
        guard !replicas.isUnchanged, let last = replicas.lastEntry else { return nil }
        return "live replica changes up to \(JournalTime.minute(of: last.time)) by \(last.who.login) are not in effect: "
            + replicas.summary + "; start with \(resumeFlag) to keep them"
    }
}
