/// How an escaped text will be read: as a line of a terminal or log, or inside a JSON string.
enum EscapeStyle {
    case terminal
    case json
}

/// The one way routertop prints text that came from outside (URLs, ids, model ids, paths, event
/// text, journal fields, probe answers, a client's claimed address) to a terminal or a log: every
/// character that a terminal would act on rather than show is written as an escape instead, so no
/// input can move the cursor, set the window title, end the line or reverse the text after it.
///
/// Escaped: C0 controls (tab, newline, ESC …), DEL, C1 controls (U+0080 … U+009F, such as the
/// one-byte CSI U+009B), the bidirectional overrides and isolates (U+202A … U+202E, U+2066 … U+2069)
/// and the line and paragraph separators (U+2028, U+2029). In the JSON style they become `\uXXXX`,
/// so the line stays JSON that decodes to the original text.
func oneLine(_ message: String, style: EscapeStyle = .terminal) -> String {
    var result = ""
    result.reserveCapacity(message.utf8.count)
    for scalar in message.unicodeScalars {
        guard needsEscape(scalar) else {
            result.unicodeScalars.append(scalar)
            continue
        }
        switch (style, scalar.value) {
        case (.terminal, 0x09): result += "\\t"
        case (.terminal, 0x0A): result += "\\n"
        case (.terminal, 0x0D): result += "\\r"
        case (.terminal, 0x1B): result += "\\e"
        case (.terminal, _): result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        case (.json, _):
            let hex = String(scalar.value, radix: 16)
            result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
    return result
}

private func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
    default: false
    }
}
