/// What a change touched.
public enum ChangeSubject: String, Equatable, Sendable, Codable, CaseIterable {
    case settings
    case replica
    case fault
    case load
}

/// One change to a live router, typed: what, to which target, the value before and after.
public struct ChangeRecord: Equatable, Sendable, Codable {
    public var subject: ChangeSubject
    /// The replica a replica or fault change is about.
    public var target: String?
    /// What was done: set, undo, trial, revert, add, remove, drain, undrain, inject, recover, reload.
    public var verb: String
    public var old: ChangeValue
    public var new: ChangeValue

    public init(subject: ChangeSubject, target: String? = nil, verb: String, old: ChangeValue, new: ChangeValue) {
        self.subject = subject
        self.target = target
        self.verb = verb
        self.old = old
        self.new = new
    }

    /// `what` as in the journal's lines, so one change reads the same in an event and a journal entry.
    enum CodingKeys: String, CodingKey {
        case subject = "what"
        case target, verb, old, new
    }

    /// The change in words: "initial backoff (s) 0.025 → 0.01", "load 10 → 20 req/s", "sim-3 killed".
    public var summary: String {
        switch (old, new) {
        case (.settings(let before), .settings(let after)):
            let changes = SettingsDifference.between(before, after).map(\.text)
            return changes.isEmpty ? "no setting changes" : changes.joined(separator: ", ")
        case (.number(let before), .number(let after)) where subject == .load:
            return "load \(SettingText.format(before)) → \(SettingText.format(after)) req/s"
        default:
            let name = target.map { "\($0) " } ?? ""
            return "\(name)\(old.text) → \(new.text)"
        }
    }
}

/// One setting that differs between two settings values.
public struct SettingsDifference: Equatable, Sendable {
    public var key: RouterSettingKey
    public var old: Double
    public var new: Double

    /// "initial backoff (s) 0.025 → 0.01".
    public var text: String { "\(key.label) \(SettingText.format(old)) → \(SettingText.format(new))" }

    /// The settings that differ, in the editor's order.
    public static func between(_ before: RouterSettings, _ after: RouterSettings) -> [SettingsDifference] {
        RouterSettingKey.allCases.compactMap { key in
            before[key] == after[key] ? nil : SettingsDifference(key: key, old: before[key], new: after[key])
        }
    }
}
