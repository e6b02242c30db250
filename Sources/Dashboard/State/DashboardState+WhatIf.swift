import RouterAPI

extension DashboardState {
    /// Puts the next suggestion's backoff settings into the form; nothing is applied until Enter.
    mutating func takeSuggestion() {
        let suggestions = whatIf.suggestions
        guard var form = editor, !suggestions.isEmpty else {
            status = Status(text: "no suggestion to take: F5 searches for some", kind: .refused)
            return
        }
        let index = whatIf.nextSuggestion % suggestions.count
        let settings = suggestions[index].settings
        for key in [RouterSettingKey.initialBackoff, .backoffMultiplier, .maxBackoff] {
            form.setText(SettingText.format(settings[key]), for: key)
        }
        editor = form
        whatIf.nextSuggestion = index + 1
        status = Status(text: "suggestion \(index + 1) of \(suggestions.count) is in the form; Enter applies it, Esc cancels",
                        kind: .info)
    }
}
