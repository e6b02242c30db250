import RouterAPI

/// The question `q` asks when the router runs in another process and routes real traffic:
/// stop it, detach and leave it routing, or cancel.
enum QuitPromptView {
    static func draw(_ canvas: inout Canvas, in area: Rect, snapshot: RouterSnapshot, readOnly: Bool) {
        let keys = KeyHelp.rows(in: .quitPrompt, simulated: false, readOnly: readOnly)
        let lines: [(String, String)] = [
            ("", "The router routes real traffic: \(Format.rate(snapshot.rateIn)) in now."),
            ("", "Stopping lets what is in flight finish; detaching closes"),
            ("", "only this screen."),
            ("", ""),
        ] + keys
        let box = area.centered(width: min(area.width, 60), height: min(area.height, lines.count + 2))
        canvas.fill(box, role: .modalText)
        canvas.box(box, title: "Quit: \(snapshot.mode)")
        let inside = box.inset(by: 1)
        for (row, line) in lines.enumerated() where row < inside.height {
            canvas.put(line.0, in: inside, row: row, column: 1, role: .helpKey)
            canvas.put(line.1, in: inside, row: row, column: line.0.isEmpty ? 1 : 6, role: .modalText)
        }
    }
}
