/// A horizontal bar filled to a fraction: queue length against its maximum, a countdown.
enum Bar {
    /// Draws `width` cells at (x, y): the filled part in `role`, the rest in `emptyRole`.
    static func draw(
        _ canvas: inout Canvas, x: Int, y: Int, width: Int, fraction: Double, role: StyleRole, emptyRole: StyleRole,
        blankEmpty: Bool = false
    ) {
        let empty: Character = blankEmpty ? " " : canvas.glyphs.barEmpty
        guard width > 0 else { return }
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        if canvas.glyphs.ascii {
            let filled = Int((clamped * Double(width)).rounded())
            for column in 0..<width {
                let isFilled = column < filled
                canvas.set(isFilled ? canvas.glyphs.barFull : empty, x: x + column, y: y,
                           role: isFilled ? role : emptyRole)
            }
            return
        }
        let eighths = Int((clamped * Double(width * 8)).rounded())
        for column in 0..<width {
            let here = eighths - column * 8
            if here >= 8 {
                canvas.set(canvas.glyphs.barFull, x: x + column, y: y, role: role)
            } else if here > 0 {
                canvas.set(Glyphs.eighths[here], x: x + column, y: y, role: role)
            } else {
                canvas.set(empty, x: x + column, y: y, role: emptyRole)
            }
        }
    }
}
