/// One-column ASCII stand-ins for the few non-ASCII characters the dashboard uses, for terminals
/// whose locale cannot show them.
enum ASCIIFallback {
    static func replacement(for scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII { return scalar }
        switch scalar.value {
        case 0x00D7: return "x"                              // ×
        case 0x2190: return "<"                              // ←
        case 0x2192: return ">"                              // →
        case 0x2191: return "^"                              // ↑
        case 0x2193: return "v"                              // ↓
        case 0x2026, 0x00B7, 0x2022: return "."             // … · •
        case 0x2010...0x2015, 0x2212: return "-"            // dashes, minus
        case 0x2500, 0x2501, 0x2504...0x250B: return "-"    // horizontal box lines
        case 0x2502, 0x2503: return "|"                      // vertical box lines
        case 0x250C...0x254B: return "+"                     // corners and joints
        case 0x2580...0x259F: return "#"                     // blocks
        case 0x00B5: return "u"                              // µ
        case 0x00A0: return " "
        default: return "?"
        }
    }
}
