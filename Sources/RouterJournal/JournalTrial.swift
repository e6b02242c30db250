import RouterAPI

/// A settings trial the journal shows begun and never settled: the router stopped (killed, crashed)
/// before the trial was confirmed or reverted.
///
/// At the next start the trial is reverted, never resumed: whoever started it can no longer
/// confirm it from the session that ended with the router (an attached dashboard's trial reverts
/// when its session ends anyway), and a safety net must fail safe.
public struct JournalTrial: Equatable, Sendable {
    /// The trial's entry; its time plus the `confirm_within_s` of its note was its deadline.
    public var entry: JournalEntry
    /// The settings before the trial, which the revert restores.
    public var previous: RouterSettings
    public var trial: RouterSettings

    public static let revertNote = "reverted: router restarted during the trial"

    /// The trial left unsettled at the end of `entries`, if any: the last applied settings entry is a trial.
    public static func unsettled(in entries: [JournalEntry]) -> JournalTrial? {
        guard let last = JournalReplay.lastSettings(in: entries), last.change.verb == "trial",
              let previous = last.change.old.settings, let trial = last.change.new.settings else { return nil }
        return JournalTrial(entry: last, previous: previous, trial: trial)
    }

    /// The journal entry of the revert, made by the router itself.
    public var revertEntry: JournalEntry {
        JournalEntry(who: JournalWho(login: "router", via: .router),
                     change: ChangeRecord(subject: .settings, verb: "revert", old: .settings(trial), new: .settings(previous)),
                     result: .applied, note: "\(Self.revertNote) (trial #\(entry.sequence) by \(entry.who.login))")
    }
}
