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
        // Most messages carry one or two of these at most: find them first, in one pass that only
        // looks closer at names of a matching length, and remove only what was found.
        var found: [String] = []
        var chunked = false
        for (name, value) in headers {
            switch name.utf8.count {
            case 2, 7, 10, 16, 17, 18, 19:
                guard let match = fixed.first(where: { $0.caseInsensitiveEquals(name) }) else { continue }
                found.append(match)
                if match == "connection" {
                    for listed in value.split(separator: ",") {
                        let token = listed.trimmingSpaces()
                        if !token.isEmpty { found.append(String(token)) }
                    }
                } else if match == "transfer-encoding", value.lowercased().contains("chunked") {
                    chunked = true
                }
            default:
                continue
            }
        }
        for name in found { headers.remove(name: name) }
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
