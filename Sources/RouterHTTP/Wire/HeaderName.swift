/// Header names compared on their raw bytes in any letter case, without lowercasing a copy.
extension UnsafeRawBufferPointer {
    /// Whether these bytes spell `lowercase` (letters, digits and `-`) in any letter case.
    func equalsLowercase(_ lowercase: StaticString) -> Bool {
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

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes spell `lowercase` (letters, digits and `-`) in any letter case.
    func equalsLowercase(_ lowercase: StaticString) -> Bool {
        UnsafeRawBufferPointer(self).equalsLowercase(lowercase)
    }
}

extension String {
    /// Whether this header name is `lowercase` in any letter case.
    func isHeaderName(_ lowercase: StaticString) -> Bool {
        // A string without contiguous UTF-8 (bridged) is rare: lowercasing a copy is fine there.
        utf8.withContiguousStorageIfAvailable { $0.equalsLowercase(lowercase) }
            ?? (self.lowercased() == lowercase.description)
    }
}
