import CNcursesw
import Dashboard

/// Turns what `wget_wch` returned into a `Key`, or nil for input the dashboard does not use.
enum KeyDecoder {
    /// - Parameters:
    ///   - status: `wget_wch`'s result: `OK` for a character, `KEY_CODE_YES` for a function key.
    ///   - code: the character or key code it stored.
    static func decode(status: Int32, code: UInt32) -> Key? {
        switch status {
        case OK: return character(code)
        case KEY_CODE_YES: return functionKey(Int32(truncatingIfNeeded: code))
        default: return nil
        }
    }

    private static func character(_ code: UInt32) -> Key? {
        switch code {
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 9: return .tab
        // Ctrl-U clears the editor's field, as the footer says.
        case 21: return .character("\u{15}")
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .character(Character(scalar))
        }
    }

    private static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        default:
            let number = code - rt_key_f(0)
            return (1...12).contains(number) ? .function(Int(number)) : nil
        }
    }
}
