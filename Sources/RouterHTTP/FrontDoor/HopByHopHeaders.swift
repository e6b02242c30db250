/// Headers that belong to one connection and are not passed on by a proxy (RFC 9110 §7.6.1).
enum HopByHopHeaders {
    private static let fixed: [String] = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "proxy-authenticate", "proxy-authorization",
    ]
    private static let connectionIndex = 0
    private static let transferEncodingIndex = 5

    /// The index in `fixed` of a hop-by-hop name, compared on the raw bytes: the length picks at
    /// most two candidates, so most names cost one switch.
    private static func fixedIndex(_ name: String) -> Int? {
        let answer = name.utf8.withContiguousStorageIfAvailable { fixedIndex(UnsafeRawBufferPointer($0)) }
        if let answer { return answer }
        // A string without contiguous UTF-8 (bridged): rare, so the slow comparison is fine.
        return fixed.firstIndex(of: name.lowercased())
    }

    private static func fixedIndex(_ bytes: UnsafeRawBufferPointer) -> Int? {
        switch bytes.count {
        case 2: bytes.equalsLowercase("te") ? 3 : nil
        case 7: bytes.equalsLowercase("trailer") ? 4 : bytes.equalsLowercase("upgrade") ? 6 : nil
        case 10: bytes.equalsLowercase("connection") ? 0 : bytes.equalsLowercase("keep-alive") ? 1 : nil
        case 16: bytes.equalsLowercase("proxy-connection") ? 2 : nil
        case 17: bytes.equalsLowercase("transfer-encoding") ? 5 : nil
        case 18: bytes.equalsLowercase("proxy-authenticate") ? 7 : nil
        case 19: bytes.equalsLowercase("proxy-authorization") ? 8 : nil
        default: nil
        }
    }

    /// What of a message's headers stops at this hop.
    ///
    /// Found for every request and answer, so the common case allocates nothing: found names are a
    /// bit set, and the `Connection` tokens `close` and `keep-alive` (the usual ones) are not
    /// collected, since neither names a header that is not already dropped.
    struct Found {
        fileprivate var fixed: UInt16 = 0
        /// The names the `Connection` header lists, lowercased.
        fileprivate var listed: [String] = []
        /// Whether the message was chunked, so the next hop can frame the body again.
        fileprivate(set) var chunked = false

        /// Whether the header `name` stops at this hop.
        func drops(_ name: String) -> Bool {
            guard fixed != 0 else { return false }
            return HopByHopHeaders.fixedIndex(name) != nil || (!listed.isEmpty && listed.contains(name.lowercased()))
        }

        /// Whether the header whose name is these bytes stops at this hop.
        func drops(_ name: UnsafeRawBufferPointer) -> Bool {
            guard fixed != 0 else { return false }
            return HopByHopHeaders.fixedIndex(name) != nil
                || (!listed.isEmpty && listed.contains(String(decoding: name, as: UTF8.self).lowercased()))
        }

        /// Takes in one header.
        mutating func see(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
            guard let index = HopByHopHeaders.fixedIndex(name) else { return }
            fixed |= 1 << index
            if index == HopByHopHeaders.connectionIndex {
                let named = HopByHopHeaders.namedByConnection(value)
                if !named.isEmpty { listed += named }
            } else if index == HopByHopHeaders.transferEncodingIndex, value.containsLowercase("chunked") {
                chunked = true
            }
        }
    }

    /// What of a head stops at this hop, read from its bytes.
    static func find(in head: some RawHead) -> Found {
        var found = Found()
        head.forEachField { _, name, value in found.see(name, value) }
        return found
    }

    /// The header names a `Connection` value lists, other than `close` and `keep-alive` (the usual
    /// tokens, which name no header) and `Host` and `Content-Length`, which are end to end whatever
    /// `Connection` says: removing them would lose the target or the framing. Split by hand on the
    /// raw bytes, so the usual value allocates nothing.
    private static func namedByConnection(_ value: UnsafeRawBufferPointer) -> [String] {
        var named: [String] = []
        value.forEachToken { token in
            if !token.equalsLowercase("close"), !token.equalsLowercase("keep-alive"),
               !token.equalsLowercase("host"), !token.equalsLowercase("content-length") {
                named.append(String(decoding: token, as: UTF8.self).lowercased())
            }
        }
        return named
    }
}
