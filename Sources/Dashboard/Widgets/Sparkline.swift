/// A one-row chart of recent values, newest on the right.
enum Sparkline {
    /// Draws the last `width` values, scaled to the largest of them (and at least `floor`).
    static func draw(
        _ canvas: inout Canvas, x: Int, y: Int, width: Int, values: [Double], role: StyleRole, floor: Double = 1
    ) {
        guard width > 0 else { return }
        let levels = canvas.glyphs.sparkLevels
        let shown = values.suffix(width)
        var top = floor
        for value in shown where value.isFinite && value > top { top = value }
        let start = x + width - shown.count
        for (offset, value) in shown.enumerated() {
            let fraction = value.isFinite ? max(value, 0) / top : 0
            let level = min(Int((fraction * Double(levels.count - 1)).rounded()), levels.count - 1)
            canvas.set(levels[level], x: start + offset, y: y, role: role)
        }
    }
}
