/// A line of labelled figures that drops the least important ones when the line is too short.
struct SegmentLine {
    struct Segment {
        var parts: [(String, StyleRole)]
        var priority: Int
        var width: Int { parts.reduce(0) { $0 + $1.0.count } }
    }

    private(set) var segments: [Segment] = []

    mutating func add(_ priority: Int, _ parts: (String, StyleRole)...) {
        segments.append(Segment(parts: parts, priority: priority))
    }

    /// Draws the segments that fit, in order, two spaces apart; lower priority numbers stay longest.
    func draw(_ canvas: inout Canvas, in rect: Rect, row: Int) {
        guard rect.height > row, rect.width > 0 else { return }
        var kept = segments.indices.map { _ in true }
        func total() -> Int {
            let shown = segments.indices.filter { kept[$0] }
            return shown.reduce(0) { $0 + segments[$1].width } + 2 * max(shown.count - 1, 0)
        }
        // Among equals the later figure goes first, so the line drops the same way every frame.
        let byDroppingOrder = segments.indices.sorted {
            (segments[$0].priority, $0) > (segments[$1].priority, $1)
        }
        for index in byDroppingOrder where total() > rect.width {
            if segments[index].priority == 0 { break }
            kept[index] = false
        }
        var column = 0
        for index in segments.indices where kept[index] {
            if column > 0 { column += 2 }
            for (text, role) in segments[index].parts {
                column += canvas.put(text, in: rect, row: row, column: column, role: role)
            }
        }
    }
}
