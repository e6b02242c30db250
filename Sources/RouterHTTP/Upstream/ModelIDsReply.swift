/// Reads the models a replica reports in its queue-length reply: `"multiplexed_model_ids": ["a", "b"]`.
enum ModelIDsReply {
    /// The most bytes of one model id kept; a longer id makes the list unreadable.
    static let idLimit = 1024

    /// The ids in the list, or nil when the body has no such key or its value is not a list of
    /// strings (the router then keeps the replica's last report).
    static func modelIDs(in body: [UInt8]) -> [String]? {
        let key = Array("\"multiplexed_model_ids\"".utf8)
        guard let start = firstIndex(of: key, in: body) else { return nil }
        var reader = Reader(body: body, index: start + key.count)
        reader.skipSpaces()
        guard reader.take(UInt8(ascii: ":")) else { return nil }
        reader.skipSpaces()
        guard reader.take(UInt8(ascii: "[")) else { return nil }
        var ids: [String] = []
        reader.skipSpaces()
        if reader.take(UInt8(ascii: "]")) { return ids }
        while true {
            reader.skipSpaces()
            guard let id = reader.string() else { return nil }
            ids.append(id)
            reader.skipSpaces()
            if reader.take(UInt8(ascii: "]")) { return ids }
            guard reader.take(UInt8(ascii: ",")) else { return nil }
        }
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

        /// A JSON string with the simple escapes; `\u` escapes other than ASCII are refused.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var bytes: [UInt8] = []
            while index < body.count {
                let byte = body[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: bytes, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < body.count else { return nil }
                    let escaped = body[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
                    case UInt8(ascii: "n"): bytes.append(0x0A)
                    case UInt8(ascii: "t"): bytes.append(0x09)
                    case UInt8(ascii: "u"):
                        guard index + 4 <= body.count,
                              let code = UInt32(String(decoding: body[index..<(index + 4)], as: UTF8.self), radix: 16),
                              code < 0x80 else { return nil }
                        bytes.append(UInt8(code))
                        index += 4
                    default: return nil
                    }
                default:
                    guard byte >= 0x20 else { return nil }
                    bytes.append(byte)
                }
                guard bytes.count <= ModelIDsReply.idLimit else { return nil }
            }
            return nil
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
