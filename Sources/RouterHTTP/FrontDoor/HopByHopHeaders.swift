import NIOHTTP1

/// Headers that belong to one connection and are not passed on by a proxy (RFC 9110 §7.6.1).
enum HopByHopHeaders {
    private static let fixed: [String] = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ]
    private static let connectionIndex = 0
    private static let transferEncodingIndex = 5

    /// Removes the hop-by-hop headers, and those the `Connection` header names.
    ///
    /// Runs on every request and response, so the common case allocates nothing: found names are a
    /// bit set, and the `Connection` tokens `close` and `keep-alive` (the usual ones) are not
    /// collected, since neither names a header that is not already removed.
    ///
    /// - Returns: whether the message was chunked, so the next hop can frame the body again.
    @discardableResult
    static func strip(_ headers: inout HTTPHeaders) -> Bool {
        var found: UInt16 = 0
        var listed: [Substring] = []
        var chunked = false
        for (name, value) in headers {
            switch name.utf8.count {
            case 2, 7, 10, 16, 17, 18, 19:
                guard let index = fixed.firstIndex(where: { $0.utf8.caseInsensitiveEquals(name.utf8) }) else {
                    continue
                }
                found |= 1 << index
                if index == connectionIndex {
                    // By hand rather than `split`, which allocates an array for every header.
                    let utf8 = value.utf8
                    var start = utf8.startIndex
                    while start < utf8.endIndex {
                        let end = utf8[start...].firstIndex(of: UInt8(ascii: ",")) ?? utf8.endIndex
                        let token = Substring(value)[start..<end].utf8.trimmingSpaces()
                        start = end == utf8.endIndex ? end : utf8.index(after: end)
                        guard !token.isEmpty, !token.caseInsensitiveEquals("close".utf8),
                              !token.caseInsensitiveEquals("keep-alive".utf8) else { continue }
                        listed.append(Substring(token))
                    }
                } else if index == transferEncodingIndex, value.lowercased().contains("chunked") {
                    chunked = true
                }
            default:
                continue
            }
        }
        guard found != 0 else { return chunked }
        for (index, name) in fixed.enumerated() where found & (1 << index) != 0 {
            headers.remove(name: name)
        }
        for name in listed { headers.remove(name: String(name)) }
        return chunked
    }
}

extension Collection where Element == UInt8 {
    fileprivate func caseInsensitiveEquals(_ other: some Collection<UInt8>) -> Bool {
        guard count == other.count else { return false }
        return zip(self, other).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
        }
    }
}

extension Substring.UTF8View {
    fileprivate func trimmingSpaces() -> Substring.UTF8View {
        var text = self
        while let first = text.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            text = text.dropFirst()
        }
        while let last = text.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            text = text.dropLast()
        }
        return text
    }
}
