/// The xterm palette, used to find the nearest of the 8 basic colours to a 256-colour value.
public enum ColorPalette {
    /// The names of the 8 basic colours, by index.
    public static let basicNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// The nearest of the 8 basic colours (by RGB distance in the xterm palette).
    public static func nearestOfEight(_ color: TerminalColor) -> TerminalColor {
        guard case .indexed(let index) = color else { return color }
        if index < 8 { return color }
        let (r, g, b) = rgb(index)
        // Greys are nearer to yellow than to white by plain distance; keep them grey-ish instead.
        if max(r, g, b) - min(r, g, b) < 48 {
            return .indexed((r + g + b) / 3 < 64 ? 0 : 7)
        }
        var best = 0
        var bestDistance = Int.max
        for candidate in 0..<8 {
            let (cr, cg, cb) = rgb(UInt8(candidate))
            let distance = (r - cr) * (r - cr) + (g - cg) * (g - cg) + (b - cb) * (b - cb)
            if distance < bestDistance {
                bestDistance = distance
                best = candidate
            }
        }
        return .indexed(UInt8(best))
    }

    /// The RGB value xterm shows for a palette index.
    static func rgb(_ index: UInt8) -> (Int, Int, Int) {
        let value = Int(index)
        switch value {
        case 0..<16: return system[value]
        case 16..<232:
            let cube = value - 16
            let level = { (step: Int) in step == 0 ? 0 : 55 + 40 * step }
            return (level(cube / 36), level((cube / 6) % 6), level(cube % 6))
        default:
            let grey = 8 + 10 * (value - 232)
            return (grey, grey, grey)
        }
    }

    private static let system: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
        (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
        (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
}
