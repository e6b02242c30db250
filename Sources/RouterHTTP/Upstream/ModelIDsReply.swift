/// Reads the models a replica reports in its queue-length reply: `"multiplexed_model_ids": ["a", "b"]`.
///
/// Keeps the first `keptLimit` valid ids of a longer list and counts the rest; an id over `idLimit`
/// bytes, or with an escape that is not ASCII, is not valid and counted too. A list cut by the
/// probe's body bound keeps what was read, and counts one more for what was cut.
enum ModelIDsReply {
    /// The most bytes of one model id kept; a longer id is not valid.
    static let idLimit = 1024
    /// The most ids of one report passed on: the documented 256 ids per report.
    static let keptLimit = 256

    /// The ids kept, and how many of the report were not.
    struct Report: Equatable {
        var ids: [String] = []
        var notKept = 0
    }

    /// The ids in the list, or nil when the body has no such key or its value is not a list of
    /// strings (the router then keeps the replica's last report).
    static func modelIDs(in body: [UInt8]) -> Report? {
        let key = Array("\"multiplexed_model_ids\"".utf8)
        guard let start = firstIndex(of: key, in: body) else { return nil }
        var reader = Reader(body: body, index: start + key.count)
        reader.skipSpaces()
        guard reader.take(UInt8(ascii: ":")) else { return nil }
        reader.skipSpaces()
        guard reader.take(UInt8(ascii: "[")) else { return nil }
        var report = Report()
        reader.skipSpaces()
        if reader.take(UInt8(ascii: "]")) { return report }
        while true {
            reader.skipSpaces()
            switch reader.string() {
            case .valid(let id):
                if report.ids.count < keptLimit { report.ids.append(id) } else { report.notKept += 1 }
            case .invalid:
                report.notKept += 1
            case .cut:
                report.notKept += 1
                return report
            case .notAString:
                return nil
            }
            reader.skipSpaces()
            if reader.atEnd {
                report.notKept += 1
                return report
            }
            if reader.take(UInt8(ascii: "]")) { return report }
            guard reader.take(UInt8(ascii: ",")) else { return nil }
        }
    }

    /// One element of the list.
    enum Element: Equatable {
        case valid(String)
        /// A whole string that is not a model id (too long, an escape past ASCII, not UTF-8).
        case invalid
        /// The body ended inside it.
        case cut
        case notAString
    }

    private struct Reader {
        let body: [UInt8]
        var index: Int

        mutating func skipSpaces() {
            while index < body.count, [0x20, 0x09, 0x0A, 0x0D].contains(body[index]) { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < body.count, body[index] == byte else { return false }
            index += 1
            return true
        }

        var atEnd: Bool { index >= body.count }

        /// A JSON string with the simple escapes; `\u` escapes other than ASCII make it invalid.
        mutating func string() -> Element {
            guard take(UInt8(ascii: "\"")) else { return atEnd ? .cut : .notAString }
            var bytes: [UInt8] = []
            var valid = true
            while index < body.count {
                let byte = body[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard valid, let id = String(validating: bytes, as: UTF8.self) else { return .invalid }
                    return .valid(id)
                case UInt8(ascii: "\\"):
                    guard index < body.count else { return .cut }
                    let escaped = body[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
                    case UInt8(ascii: "n"): bytes.append(0x0A)
                    case UInt8(ascii: "t"): bytes.append(0x09)
                    case UInt8(ascii: "u"):
                        guard index + 4 <= body.count else { return .cut }
                        if let code = UInt32(String(decoding: body[index..<(index + 4)], as: UTF8.self), radix: 16), code < 0x80 {
                            bytes.append(UInt8(code))
                        } else {
                            valid = false
                        }
                        index += 4
                    default: valid = false
                    }
                default:
                    if byte < 0x20 { valid = false } else { bytes.append(byte) }
                }
                if bytes.count > ModelIDsReply.idLimit {
                    // Read on to the string's end without keeping it.
                    valid = false
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            return .cut
        }
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
