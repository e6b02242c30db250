import Foundation
import RouterAPI

/// The parameter editor's form: one text per setting, checked as it is typed by the shared
/// `SettingsValidator`, and the wait sequence it would produce.
public struct ParameterForm: Equatable, Sendable {
    /// The fields in the order the form shows them: the backoff, probe and cache settings (the
    /// model matching timeout is set at start, by variable, flag or scenario file).
    public static let fields: [RouterSettingKey] = RouterSettingKey.allCases.filter { $0 != .modelMatchingTimeout }
    public static let previewAttempts = 10

    /// The live settings when the form was opened; fields that differ are pending.
    public let base: RouterSettings
    public private(set) var texts: [RouterSettingKey: String]
    public var focus: RouterSettingKey
    /// "revert unless confirmed within N s": empty applies normally.
    public private(set) var trialText = ""
    /// True while the trial field, after the settings, has the focus.
    public private(set) var trialFocused = false

    public init(base: RouterSettings) {
        self.base = base
        self.texts = Dictionary(uniqueKeysWithValues: Self.fields.map { ($0, SettingText.format(base[$0])) })
        self.focus = Self.fields[0]
    }

    public func text(_ key: RouterSettingKey) -> String { texts[key] ?? "" }

    public mutating func setText(_ text: String, for key: RouterSettingKey) { texts[key] = text }

    public mutating func type(_ character: Character) {
        if trialFocused { trialText.append(character) } else { texts[focus, default: ""].append(character) }
    }

    public mutating func deleteBackward() {
        if trialFocused {
            if !trialText.isEmpty { trialText.removeLast() }
        } else if texts[focus]?.isEmpty == false {
            texts[focus]?.removeLast()
        }
    }

    public mutating func clearField() {
        if trialFocused { trialText = "" } else { texts[focus] = "" }
    }

    /// Moves through the settings, then the trial field, and around.
    public mutating func moveFocus(by offset: Int) {
        let count = Self.fields.count + 1
        let index = trialFocused ? Self.fields.count : (Self.fields.firstIndex(of: focus) ?? 0)
        let next = ((index + offset) % count + count) % count
        trialFocused = next == Self.fields.count
        if !trialFocused { focus = Self.fields[next] }
    }

    /// The trial's length: nil for a normal apply, or why the field's text is refused.
    public func trialSeconds() -> Result<Int?, ConfigurationError> {
        let text = trialText.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .success(nil) }
        guard let seconds = Int(text), (1...TrialStatus.maxSeconds).contains(seconds) else {
            return .failure(ConfigurationError(subject: Self.trialLabel, value: text, problem: "is not a trial length",
                                               allowed: "a whole number of seconds from 1 to \(TrialStatus.maxSeconds), or empty"))
        }
        return .success(seconds)
    }

    public static let trialLabel = "revert unless confirmed within (s)"

    /// Whether the field's text differs from the live value it was opened with.
    public func isPending(_ key: RouterSettingKey) -> Bool {
        switch SettingText.number(text(key)) {
        case .success(let value): value != base[key]
        case .failure: true
        }
    }

    /// The outcome of checking the whole form.
    public struct Validation: Equatable, Sendable {
        /// Why each refused field is refused.
        public var errors: [RouterSettingKey: ConfigurationError]
        /// The settings the form describes, when every field is accepted.
        public var settings: RouterSettings?

        public var isValid: Bool { settings != nil }
    }

    /// Checks each field alone, then the whole, with the one shared validator.
    public func validate() -> Validation {
        var errors: [RouterSettingKey: ConfigurationError] = [:]
        var settings = base
        for key in Self.fields {
            do {
                settings[key] = try SettingsValidator.value(text(key), for: key, subject: key.label)
            } catch {
                errors[key] = error
            }
        }
        guard errors.isEmpty else { return Validation(errors: errors, settings: nil) }
        do {
            try SettingsValidator.validate(settings, subject: { $0.label })
        } catch {
            let key = Self.fields.first { $0.label == error.subject } ?? focus
            return Validation(errors: [key: error], settings: nil)
        }
        return Validation(errors: [:], settings: settings)
    }

    /// One column of the preview: the wait after attempt `attempt` fails, and the total waited
    /// before `attempt` began.
    public struct PreviewStep: Equatable, Sendable {
        public var attempt: Int
        public var waitSeconds: Double
        public var cumulativeBeforeSeconds: Double
    }

    /// The waits the form would produce for attempts 1 to 10; nil while the form is refused.
    public func preview(legacy: Bool = false) -> [PreviewStep]? {
        guard let settings = validate().settings else { return nil }
        let policy = settings.backoffPolicy(legacy: legacy)
        var cumulative = 0.0
        var steps: [PreviewStep] = []
        for attempt in 1...Self.previewAttempts {
            let wait = policy.waitSeconds(afterFailedAttempt: attempt)
            steps.append(PreviewStep(attempt: attempt, waitSeconds: wait, cumulativeBeforeSeconds: cumulative))
            cumulative += wait
        }
        return steps
    }
}
