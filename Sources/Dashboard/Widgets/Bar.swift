/// A horizontal bar filled to a fraction: queue length against its maximum, a countdown.
enum Bar {
    /// Draws `width` cells at (x, y): the filled part in `role`, the rest in `emptyRole`.
    ///
    /// With `zones`, every filled cell but the last takes the role `zones` gives for the fraction at
    /// which that cell fills, and only the last one takes `role`: the bar reads as a scale whose
    /// tip shows the level's colour, and a change of level redraws only the cells that changed
    /// instead of recolouring the whole bar.
    static func draw(
        _ canvas: inout Canvas, x: Int, y: Int, width: Int, fraction: Double, role: StyleRole, emptyRole: StyleRole,
        blankEmpty: Bool = false, zones: ((Double) -> StyleRole)? = nil
    ) {
        let empty: Character = blankEmpty ? " " : canvas.glyphs.barEmpty
        guard width > 0 else { return }
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        func filledRole(_ column: Int, isTip: Bool) -> StyleRole {
            guard let zones, !isTip else { return role }
            return zones(Double(column + 1) / Double(width))
        }
        if canvas.glyphs.ascii {
            let filled = Int((clamped * Double(width)).rounded())
            for column in 0..<width {
                let isFilled = column < filled
                canvas.set(isFilled ? canvas.glyphs.barFull : empty, x: x + column, y: y,
                           role: isFilled ? filledRole(column, isTip: column == filled - 1) : emptyRole)
            }
            return
        }
        let eighths = Int((clamped * Double(width * 8)).rounded())
        let tip = (eighths + 7) / 8 - 1
        for column in 0..<width {
            let here = eighths - column * 8
            if here >= 8 {
                canvas.set(canvas.glyphs.barFull, x: x + column, y: y, role: filledRole(column, isTip: column == tip))
            } else if here > 0 {
                canvas.set(Glyphs.eighths[here], x: x + column, y: y, role: role)
            } else {
                canvas.set(empty, x: x + column, y: y, role: emptyRole)
            }
        }
    }
}
