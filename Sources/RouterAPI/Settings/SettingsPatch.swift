import Foundation

/// A `PUT /v1/settings` body: any subset of the settings under the scenario file's keys,
/// validated as a whole over the live settings by the one validator.
public enum SettingsPatch {
    /// The live settings with the body's values, or a 400 problem naming the first bad field
    /// with the same reason the editor shows.
    public static func apply(_ body: Data, over base: RouterSettings) -> Result<RouterSettings, ControlEndpoint.Problem> {
        let numbers: [(RouterSettingKey, Double)]
        switch self.numbers(in: body) {
        case .failure(let problem): return .failure(problem)
        case .success(let parsed): numbers = parsed
        }
        var settings = base
        do throws(ConfigurationError) {
            for (key, number) in numbers {
                settings[key] = try SettingsValidator.value(number, for: key, subject: key.fileKey)
            }
            try SettingsValidator.validate(settings, subject: \.fileKey)
        } catch {
            return .failure(ControlEndpoint.Problem(status: 400, message: error.description))
        }
        return .success(settings)
    }

    /// The live settings with the body's numbers, not validated: what a well-formed body asked for,
    /// so that a refused change can still be journaled with its values. Nil when the body is not a
    /// JSON object of known settings, each a number.
    public static func unchecked(_ body: Data, over base: RouterSettings) -> RouterSettings? {
        guard case .success(let numbers) = self.numbers(in: body) else { return nil }
        var settings = base
        for (key, number) in numbers { settings[key] = number }
        return settings
    }

    /// The body's settings in key order, each a number, or a 400 problem: not a JSON object, an
    /// unknown field, a value that is not a number, or no setting at all.
    private static func numbers(in body: Data) -> Result<[(RouterSettingKey, Double)], ControlEndpoint.Problem> {
        let keys = RouterSettingKey.allCases
        let object: [String: Any]
        switch StrictJSON.object(body, fields: keys.map(\.fileKey)) {
        case .failure(let problem): return .failure(problem)
        case .success(let parsed): object = parsed
        }
        if object.isEmpty {
            return .failure(ControlEndpoint.Problem(
                status: 400, message: "the body names no setting; give any of \(keys.map(\.fileKey).joined(separator: ", "))"
            ))
        }
        var numbers: [(RouterSettingKey, Double)] = []
        for key in keys {
            guard let value = object[key.fileKey] else { continue }
            switch StrictJSON.number(value, field: key.fileKey) {
            case .failure(let problem): return .failure(problem)
            case .success(let number): numbers.append((key, number))
            }
        }
        return .success(numbers)
    }
}
