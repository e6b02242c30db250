/// A value before or after a change, typed, so the journal, the event log and the API render it
/// from one source.
///
/// In JSON it is the bare value: a settings object, a number, a string, or null.
public enum ChangeValue: Equatable, Sendable, Codable {
    case settings(RouterSettings)
    case number(Double)
    case text(String)
    case absent

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .absent
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .settings(try container.decode(RouterSettings.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .settings(let settings): try container.encode(settings)
        case .number(let number): try container.encode(number)
        case .text(let text): try container.encode(text)
        case .absent: try container.encodeNil()
        }
    }

    /// The settings, when this value is settings.
    public var settings: RouterSettings? {
        if case .settings(let settings) = self { return settings }
        return nil
    }

    /// The value as an operator reads it.
    public var text: String {
        switch self {
        case .settings(let settings):
            settings.environmentLines.joined(separator: " ")
        case .number(let number): SettingText.format(number)
        case .text(let text): text
        case .absent: "nothing"
        }
    }
}
