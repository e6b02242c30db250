/// A message made safe to print on one line of a terminal: control characters from the input it
/// quotes (a TOML key can hold an escape sequence, a file line a form feed) are written as escapes
/// rather than sent to the terminal, where they could move the cursor or end the line.
func oneLine(_ message: String) -> String {
    var result = ""
    result.reserveCapacity(message.utf8.count)
    for scalar in message.unicodeScalars {
        switch scalar.value {
        case 0x09: result += "\\t"
        case 0x0A: result += "\\n"
        case 0x0D: result += "\\r"
        case 0x1B: result += "\\e"
        case 0x00..<0x20, 0x7F..<0xA0:
            result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}
