import NIOHTTP1

/// Headers that belong to one connection and are not passed on by a proxy (RFC 9110 §7.6.1).
enum HopByHopHeaders {
    private static let fixed: [String] = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ]

    /// Removes the hop-by-hop headers, and those the `Connection` header names.
    ///
    /// - Returns: whether the message was chunked, so the next hop can frame the body again.
    @discardableResult
    static func strip(_ headers: inout HTTPHeaders) -> Bool {
        var chunked = false
        var listed: [Substring] = []
        var any = false
        for (name, value) in headers {
            switch name.count {
            case 2, 7, 10, 16, 17, 18, 19:
                // Only the lengths of the fixed names; cheap filter for the common case.
                if fixed.contains(where: { $0.caseInsensitiveEquals(name) }) {
                    any = true
                    if "connection".caseInsensitiveEquals(name) {
                        listed.append(contentsOf: value.split(separator: ",").map { $0.trimmingSpaces() })
                    }
                    if "transfer-encoding".caseInsensitiveEquals(name), value.lowercased().contains("chunked") {
                        chunked = true
                    }
                }
            default:
                break
            }
        }
        guard any else { return false }
        for name in fixed { headers.remove(name: name) }
        for name in listed where !name.isEmpty { headers.remove(name: String(name)) }
        return chunked
    }
}

extension String {
    fileprivate func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
