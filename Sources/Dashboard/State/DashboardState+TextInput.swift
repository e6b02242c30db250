import RouterAPI

/// The texts an operator types: the editor's fields, the table's filter, a replica's URL and the
/// journal's filter. The key map has already chosen the action; this carries it out on the text
/// that has the keyboard.
extension DashboardState {
    /// The longest replica URL the prompt takes; longer typing is ignored, not truncated later.
    static let addressLimit = 256

    mutating func editText(_ action: KeyAction, key: Key, snapshot: RouterSnapshot) -> [DashboardEffect] {
        let typed: Character? = if case .character(let character) = key { character } else { nil }
        switch keyContext {
        case .editor: return editForm(action, typed: typed, snapshot: snapshot)
        case .addressInput: return editAddress(action, typed: typed)
        case .traceInput: return editTraceID(action, typed: typed)
        case .journalFilter:
            guard var journal = journalView else { return [] }
            Self.edit(&journal.filter, editing: &journal.filterEditing, action, typed: typed)
            journal.selected = 0
            journalView = journal
        default:
            Self.edit(&filter, editing: &filterEditing, action, typed: typed)
            if action == .typeText { tableScroll = 0 }
        }
        return []
    }

    /// A filter: Enter keeps it, Esc clears it, and either ends the typing.
    private static func edit(_ text: inout String, editing: inout Bool, _ action: KeyAction, typed: Character?) {
        switch action {
        case .acceptText: editing = false
        case .cancelText:
            text = ""
            editing = false
        case .deleteBackward: if !text.isEmpty { text.removeLast() }
        case .clearText: text = ""
        case .typeText: if let typed { text.append(typed) }
        default: break
        }
    }

    private mutating func editAddress(_ action: KeyAction, typed: Character?) -> [DashboardEffect] {
        guard var text = addressInput else { return [] }
        switch action {
        case .cancelText:
            addressInput = nil
            status = Status(text: "add replica cancelled", kind: .info)
            return []
        case .acceptText:
            addressInput = nil
            if text.isEmpty { return refuse("add replica: no address was typed") }
            // The table names a replica HOST:PORT; typed that way it is the same replica over http.
            let url = text.contains("://") ? text : "http://" + text
            addressSent = (url, text)
            return [.send(.addReplica(address: url), what: "add replica \(text)")]
        case .deleteBackward: if !text.isEmpty { text.removeLast() }
        case .clearText: text = ""
        case .typeText:
            // A URL has no spaces; typing past the limit is ignored.
            if let typed, !typed.isWhitespace, text.count < Self.addressLimit { text.append(typed) }
        default: break
        }
        addressInput = text
        return []
    }

    private mutating func editForm(_ action: KeyAction, typed: Character?, snapshot: RouterSnapshot) -> [DashboardEffect] {
        guard var form = editor else { return [] }
        switch action {
        case .cancelText:
            editor = nil
            status = Status(text: "edit cancelled; nothing changed", kind: .info)
            return []
        case .acceptText: return apply(form, snapshot: snapshot)
        case .previousField: form.moveFocus(by: -1)
        case .nextField: form.moveFocus(by: 1)
        case .deleteBackward: form.deleteBackward()
        case .clearText: form.clearField()
        case .typeText: if let typed { form.type(typed) }
        default: break
        }
        editor = form
        return []
    }

    /// Enter in the editor: a refused field or trial time keeps the form open with the reason.
    private mutating func apply(_ form: ParameterForm, snapshot: RouterSnapshot) -> [DashboardEffect] {
        let validation = form.validate()
        guard let settings = validation.settings else {
            let first = ParameterForm.fields.first { validation.errors[$0] != nil }
            let why = first.flatMap { key in validation.errors[key].map { "\(key.label) \($0.reason)" } } ?? "invalid"
            return refuse("not applied: \(why)")
        }
        let trial: Int?
        switch form.trialSeconds() {
        case .failure(let error): return refuse("not applied: \(ParameterForm.trialLabel) \(error.reason)")
        case .success(let seconds): trial = seconds
        }
        editor = nil
        if settings == snapshot.settings {
            status = Status(text: "nothing to apply: the form equals the live settings", kind: .info)
            return []
        }
        if let trial {
            return [.send(.settings(.applyOnTrial(settings, seconds: trial, session: nil)), what: "apply on trial (\(trial) s)")]
        }
        return [.send(.settings(.apply(settings)), what: "apply settings")]
    }
}
