import RouterAPI

/// The models view: each model asked for or held, busiest first, with its request rate, hit share
/// and the replicas holding it, each with the age of its model report (inferred and stale marked).
enum ModelsView {
    /// `scroll` held within the models listed in `rect`: the last model at the foot at most.
    static func clampedScroll(_ scroll: Int, snapshot: RouterSnapshot, in rect: Rect) -> Int {
        guard rect.height > 1, let figures = snapshot.models else { return scroll }
        return min(scroll, max(figures.models.count - pageRows(in: rect), 0))
    }

    private static func pageRows(in rect: Rect) -> Int { max(rect.height - 2, 0) }

    static func draw(_ canvas: inout Canvas, in rect: Rect, snapshot: RouterSnapshot, scroll: Int) {
        guard rect.height > 0 else { return }
        let figures = snapshot.models
        guard let figures else {
            canvas.rule("Models", in: rect)
            canvas.put("no request has named a model and no replica reports one; m or Esc goes back",
                       in: rect, row: 1, column: 1, role: .tableDim)
            return
        }
        var title = "Models \(figures.models.count)" + canvas.glyphs.separator
            + "hit " + ModelsText.hitRate(figures.recentHitRate) + " last \(figures.recentSeconds)s, "
            + ModelsText.hitRate(figures.hitRate) + " since start" + canvas.glyphs.separator
            + "loads \(figures.loads) (" + Format.rate(figures.loadRate) + ")"
        if figures.untrackedRequests > 0 { title += canvas.glyphs.separator + "\(figures.untrackedRequests) requests for other models" }
        canvas.rule(title, in: rect)
        guard rect.height > 1 else { return }
        let nameWidth = min(max(figures.models.map(\.name.count).max() ?? 5, 5), 32)
        func row(_ y: Int, _ cells: [(String, Int)], role: StyleRole) {
            var x = rect.x + 1
            for (text, width) in cells where x < rect.maxX {
                canvas.put(text, x: x, y: y, role: role, maxWidth: min(width, rect.maxX - x))
                x += width + 1
            }
        }
        canvas.fill(Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: 1), role: .tableHeader)
        row(rect.y + 1, [("model", nameWidth), ("rate", 8), ("requests", 9), ("hit", 5), ("held by", rect.width)],
            role: .tableHeader)
        let reports = Dictionary(snapshot.replicas.map { ($0.id, $0.models) }, uniquingKeysWith: { first, _ in first })
        let timeout = snapshot.settings.modelMatchingTimeout
        let pageRows = pageRows(in: rect)
        let scroll = clampedScroll(scroll, snapshot: snapshot, in: rect)
        for index in 0..<pageRows {
            let position = scroll + index
            guard position < figures.models.count else { break }
            let model = figures.models[position]
            let hit = model.requests == 0 ? nil : Double(model.hits) / Double(model.requests)
            let holders = model.holders.isEmpty ? "none" : model.holders.map { id in
                ModelsText.holder(id, models: reports[id] ?? nil, inferred: model.inferredHolders.contains(id),
                                  matchingTimeout: timeout)
            }.joined(separator: ", ")
            row(rect.y + 2 + index, [
                (model.name, nameWidth), (Format.rate(model.rate), 8), (Format.count(model.requests), 9),
                (ModelsText.hitRate(hit), 5), (holders, rect.width),
            ], role: model.holders.isEmpty ? .tableDim : .tableRow)
        }
    }
}
