import Dashboard
import RouterEngine

/// Values an operator types: environment variables at start and the dashboard editor's fields.
enum ValueTargets {
    static let variables = RouterSettingKey.allCases.map(\.environmentVariable) + [
        DisplayStartup.refreshVariable, DisplayStartup.themeVariable, DisplayStartup.readOnlyVariable,
    ]

    /// Lines of the input become the values of the variables routertop reads, in order.
    static func environment(_ bytes: UnsafeRawBufferPointer) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var environment: [String: String] = [:]
        for (variable, value) in zip(variables, lines) { environment[variable] = String(value) }
        _ = try? StartupConfiguration.resolve(environment: environment)
        _ = try? DisplayStartup.resolve(environment: environment)
        for line in lines { _ = SettingText.number(String(line)) }
    }

    /// The input is typed into the editor: tab moves to the next field, DEL deletes, ^U clears,
    /// and everything else is typed; the form is checked and previewed after every key.
    static func editor(_ bytes: UnsafeRawBufferPointer) {
        var form = ParameterForm(base: .defaults)
        for character in String(decoding: bytes, as: UTF8.self) {
            switch character {
            case "\t": form.moveFocus(by: 1)
            case "\u{7F}": form.deleteBackward()
            case "\u{15}": form.clearField()
            default: form.type(character)
            }
            _ = form.validate()
            _ = form.preview()
            _ = form.isPending(form.focus)
        }
    }
}
