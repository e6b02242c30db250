import RouterAPI

/// The parameter editor modal: the six fields with their reasons, and the wait preview.
enum EditorView {
    static let labelWidth = 23
    static let fieldWidth = 12

    static func draw(_ canvas: inout Canvas, in area: Rect, form: ParameterForm, legacy: Bool,
                     whatIf: WhatIfPanel = WhatIfPanel()) {
        let validation = form.validate()
        let fields = ParameterForm.fields
        let width = min(area.width, 120)
        let inner = width - 2
        let reasonColumn = 1 + labelWidth + fieldWidth + 3
        let reasonsBeside = inner - reasonColumn >= 30
        // The rows the modal would like, in the order they are dropped from the bottom.
        // The field whose reason is written out whole below the fields: the focused one, else the first refused.
        let explained = validation.errors[form.focus] != nil ? form.focus : fields.first { validation.errors[$0] != nil }
        let focusedError = explained.flatMap { validation.errors[$0] }
        let errorLines = focusedError.map { TextWrap.lines(errorText($0), width: inner - 2) } ?? []
        let wanted = fields.count + 1 + (errorLines.isEmpty ? 0 : errorLines.count + 1) + 1 + WhatIfView.rows(whatIf)
            + 4 + 2 + 2
        let box = area.centered(width: width, height: min(wanted, area.height))
        canvas.box(box, title: "Edit router parameters" + (legacy ? " (legacy backoff)" : ""))
        let inside = box.inset(by: 1)
        guard inside.height > 0 else { return }

        var row = 0
        for key in fields {
            guard row < inside.height - 1 else { break }
            let focused = key == form.focus && !form.trialFocused
            let error = validation.errors[key]
            let labelRole: StyleRole = focused ? .editFocus : .editLabel
            canvas.put(key.label, in: inside, row: row, column: 1, role: labelRole)
            let text = form.text(key)
            let fieldRole: StyleRole = error != nil ? .editError : (form.isPending(key) ? .editPending : .editField)
            let fieldX = inside.x + 1 + labelWidth
            let fieldBox = min(fieldWidth + 2, max(inside.maxX - fieldX, 0))
            canvas.fill(Rect(x: fieldX, y: inside.y + row, width: fieldBox, height: 1),
                        role: focused ? .editFocus : .editField)
            let shown = focused ? String(text.suffix(fieldWidth - 1)) + "_" : String(text.prefix(fieldWidth))
            canvas.put(shown, x: fieldX + 1, y: inside.y + row, role: focused ? .editFocus : fieldRole,
                       maxWidth: min(fieldWidth, inside.maxX - fieldX - 1))
            if let error {
                if reasonsBeside {
                    // A reason longer than the room beside the field would be cut mid-sentence: the
                    // whole of it is wrapped below the fields (for the focused field, or the first refused).
                    let room = inside.width - reasonColumn - 1
                    let beside = error.reason.count <= room ? error.reason
                        : key == explained ? "refused: see why below" : "refused: select it to see why"
                    canvas.put(beside, in: inside, row: row, column: reasonColumn, role: .editError)
                } else {
                    canvas.put("!", in: inside, row: row, column: labelWidth + fieldWidth + 3, role: .editError)
                }
            } else if form.isPending(key) {
                canvas.put("changed", in: inside, row: row, column: reasonColumn, role: .editPending)
            }
            row += 1
        }
        if row < inside.height - 1 {
            drawTrialField(&canvas, in: inside, row: row, form: form, reasonColumn: reasonColumn)
            row += 1
        }
        let helpRow = inside.height - 1
        if let reason = errorLines.first, row >= helpRow {
            // No row is left for the reason: it matters more than the key help, so it takes that row.
            canvas.put(reason, in: inside, row: helpRow, column: 1, role: .editError)
            return
        }
        canvas.put(KeyHelp.inline(in: .editor, width: inside.width - 2, separator: canvas.glyphs.separator, readOnly: false),
                   in: inside, row: helpRow, column: 1, role: .tableDim)
        if !errorLines.isEmpty, row < helpRow {
            if row + 1 + errorLines.count < helpRow { row += 1 }
            for line in errorLines where row < helpRow {
                canvas.put(line, in: inside, row: row, column: 1, role: .editError)
                row += 1
            }
        }
        if row + 3 < helpRow {
            let rows = min(WhatIfView.rows(whatIf), helpRow - row - 1)
            WhatIfView.draw(&canvas, in: inside, row: row + 1, rows: rows, panel: whatIf, edited: validation.settings)
            row += 1 + rows
        }
        // The preview takes what rows are left (one says why there are no waits yet).
        if row + 2 <= helpRow {
            drawPreview(&canvas, in: inside, row: row + 1, form: form, legacy: legacy, rows: min(3, helpRow - row - 1))
        }
    }

    /// "revert unless confirmed within N s": empty applies for good.
    private static func drawTrialField(_ canvas: inout Canvas, in inside: Rect, row: Int, form: ParameterForm,
                                       reasonColumn: Int) {
        let focused = form.trialFocused
        canvas.put("confirm within (s)", in: inside, row: row, column: 1, role: focused ? .editFocus : .editLabel)
        let fieldX = inside.x + 1 + labelWidth
        let fieldBox = min(fieldWidth + 2, max(inside.maxX - fieldX, 0))
        canvas.fill(Rect(x: fieldX, y: inside.y + row, width: fieldBox, height: 1), role: focused ? .editFocus : .editField)
        let text = form.trialText
        let shown = focused ? String(text.suffix(fieldWidth - 1)) + "_" : String(text.prefix(fieldWidth))
        let refused: Bool
        if case .failure = form.trialSeconds() { refused = true } else { refused = false }
        canvas.put(shown, x: fieldX + 1, y: inside.y + row, role: focused ? .editFocus : (refused ? .editError : .editField),
                   maxWidth: min(fieldWidth, inside.maxX - fieldX - 1))
        let hint = refused ? "a whole number of seconds from 1 to \(TrialStatus.maxSeconds), or empty"
            : (text.isEmpty ? "empty: apply for good" : "revert unless confirmed (c) within \(text) s")
        canvas.put(hint, in: inside, row: row, column: reasonColumn, role: refused ? .editError : .tableDim)
    }

    private static func errorText(_ error: ConfigurationError) -> String {
        "refused: \(error.subject) = \(error.value.isEmpty ? "(empty)" : error.value) \(error.reason); "
            + "the form cannot be applied"
    }

    private static func drawPreview(
        _ canvas: inout Canvas, in inside: Rect, row: Int, form: ParameterForm, legacy: Bool, rows: Int
    ) {
        guard rows > 0 else { return }
        guard let steps = form.preview(legacy: legacy) else {
            canvas.put("preview: waits appear when every field is accepted", in: inside, row: row, column: 1,
                       role: .tableDim)
            return
        }
        let labels = ["attempt", "wait after (ms)", "waited before (ms)"]
        let labelWidth = 19
        let columns = steps.map { step in
            [String(step.attempt), Format.milliseconds(step.waitSeconds), Format.milliseconds(step.cumulativeBeforeSeconds)]
        }
        var x = 1 + labelWidth
        for (lineIndex, label) in labels.enumerated() where lineIndex < rows {
            canvas.put(label, in: inside, row: row + lineIndex, column: 1, role: lineIndex == 0 ? .editLabel : .editPreview)
        }
        for column in columns {
            let width = max(column.map(\.count).max() ?? 1, 3) + 2
            guard x + width <= inside.width else {
                canvas.put(canvas.glyphs.ellipsis, in: inside, row: row, column: x, role: .tableDim)
                break
            }
            for (lineIndex, value) in column.enumerated() where lineIndex < rows {
                canvas.putRight(value, right: inside.x + x + width, y: inside.y + row + lineIndex, width: width,
                                role: lineIndex == 0 ? .editLabel : .editPreview)
            }
            x += width
        }
    }
}
