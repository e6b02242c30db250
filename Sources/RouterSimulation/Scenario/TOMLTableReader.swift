import TOMLInput
import RouterEngine

/// Reads typed values from one TOML table and turns every problem into an error with a line.
struct TOMLTableReader {
    let table: TOMLTableValue
    let section: String
    let index: Int
    let lines: TOMLLineIndex
    let file: String

    /// The table's name as an operator would write it in a message.
    var place: String {
        section.isEmpty ? "the top level" : "[\(section)]" + (index > 0 || isArrayTable ? " #\(index + 1)" : "")
    }

    private var isArrayTable: Bool { section == "replicas" || section == "events" }

    func error(_ key: String?, _ reason: String) -> ScenarioError {
        ScenarioError(file: file, line: lines.line(table: section, index: index, key: key) ?? 1, reason: reason)
    }

    func nested(_ key: String, _ table: TOMLTableValue, section: String, index: Int) -> TOMLTableReader {
        TOMLTableReader(table: table, section: section, index: index, lines: lines, file: file)
    }

    /// Refuses keys this table does not know, which are almost always typos.
    func checkKeys(_ allowed: Set<String>) throws(ScenarioError) {
        if let unknown = table.unknownKey(known: allowed, in: place) { throw error(unknown.key, unknown.message) }
    }

    func has(_ key: String) -> Bool { table[key] != nil }

    func string(_ key: String) throws(ScenarioError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw error(key, "\(key) must be a string") }
        return text
    }

    func requiredString(_ key: String) throws(ScenarioError) -> String {
        guard let text = try string(key) else { throw error(nil, "\(place) needs \(key)") }
        guard !text.isEmpty else { throw error(key, "\(key) must not be empty") }
        return text
    }

    /// A number written as an integer or a decimal; must be finite.
    func number(_ key: String) throws(ScenarioError) -> Double? {
        guard let value = table[key] else { return nil }
        if let integer = value.int { return Double(integer) }
        guard let number = value.double else { throw error(key, "\(key) must be a number") }
        guard number.isFinite else { throw error(key, "\(key) must be a finite number") }
        return number
    }

    func number(_ key: String, atLeast minimum: Double, orAbove: Bool = false) throws(ScenarioError) -> Double? {
        guard let value = try number(key) else { return nil }
        if orAbove ? value <= minimum : value < minimum {
            let bound = orAbove ? "> \(SettingText.format(minimum))" : "≥ \(SettingText.format(minimum))"
            throw error(key, "\(key) = \(SettingText.format(value)) is out of range; it must be \(bound)")
        }
        return value
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(ScenarioError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let integer = value.int else { throw error(key, "\(key) must be a whole number") }
        guard range.contains(integer) else {
            throw error(key, "\(key) = \(integer) is out of range; it must be from \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }

    func bool(_ key: String) throws(ScenarioError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw error(key, "\(key) must be true or false") }
        return flag
    }

    /// A router setting, checked by the shared validator.
    func setting(_ key: RouterSettingKey) throws(ScenarioError) -> Double? {
        guard let value = try number(key.fileKey) else { return nil }
        do {
            return try SettingsValidator.value(value, for: key, subject: key.fileKey)
        } catch {
            throw self.error(key.fileKey, error.description)
        }
    }
}
