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
    /// The index in `fixed` of a hop-by-hop name, compared on the raw bytes: the length picks at
    /// most two candidates, so most names cost one switch.
    private static func fixedIndex(_ name: String) -> Int? {
        let answer = name.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            switch bytes.count {
            case 2: return bytes.equalsLowercase("te") ? 3 : nil
            case 7: return bytes.equalsLowercase("trailer") ? 4 : bytes.equalsLowercase("upgrade") ? 6 : nil
            case 10: return bytes.equalsLowercase("connection") ? 0 : bytes.equalsLowercase("keep-alive") ? 1 : nil
            case 16: return bytes.equalsLowercase("proxy-connection") ? 2 : nil
            case 17: return bytes.equalsLowercase("transfer-encoding") ? 5 : nil
            case 18: return bytes.equalsLowercase("proxy-authenticate") ? 7 : nil
            case 19: return bytes.equalsLowercase("proxy-authorization") ? 8 : nil
            default: return nil
            }
        }
        if let answer { return answer }
        // A string without contiguous UTF-8 (bridged): rare, so the slow comparison is fine.
        return fixed.firstIndex(where: { $0.utf8.caseInsensitiveEquals(name.utf8) })
    }

    @discardableResult
    static func strip(_ headers: inout HTTPHeaders) -> Bool {
        var found: UInt16 = 0
        var listed: [Substring] = []
        var chunked = false
        for (name, value) in headers {
            guard let index = fixedIndex(name) else { continue }
            found |= 1 << index
            if index == connectionIndex {
                // By hand rather than `split`, which allocates an array for every header.
                let utf8 = value.utf8
                var start = utf8.startIndex
                while start < utf8.endIndex {
                    let end = utf8[start...].firstIndex(of: UInt8(ascii: ",")) ?? utf8.endIndex
                    let token = Substring(value)[start..<end].utf8.trimmingSpaces()
                    start = end == utf8.endIndex ? end : utf8.index(after: end)
                    // `Host` and `Content-Length` are end to end whatever `Connection` says: removing
                    // them would lose the target or the framing.
                    guard !token.isEmpty, !token.caseInsensitiveEquals("close".utf8),
                          !token.caseInsensitiveEquals("keep-alive".utf8),
                          !token.caseInsensitiveEquals("host".utf8),
                          !token.caseInsensitiveEquals("content-length".utf8) else { continue }
                    listed.append(Substring(token))
                }
            } else if index == transferEncodingIndex, value.lowercased().contains("chunked") {
                chunked = true
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

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes spell `lowercase` (letters, digits and `-`) in any letter case.
    fileprivate func equalsLowercase(_ lowercase: StaticString) -> Bool {
        guard count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for offset in 0..<count {
            let byte = self[offset], want = expected[offset]
            let isLetter = want >= UInt8(ascii: "a") && want <= UInt8(ascii: "z")
            guard byte == want || (isLetter && byte | 0x20 == want) else { return false }
        }
        return true
    }
}
