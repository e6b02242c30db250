#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Whether `lowercase` (letters, digits and `-`) appears in these bytes, in any letter case.
    func containsLowercase(_ lowercase: StaticString) -> Bool {
        let length = lowercase.utf8CodeUnitCount
        guard count >= length else { return false }
        for start in 0...(count - length)
        where UnsafeRawBufferPointer(rebasing: self[start..<(start + length)]).equalsLowercase(lowercase) {
            return true
        }
        return false
    }

    /// Whether these bytes start with `text`'s, exactly (letter case too): a compare of a few
    /// instructions, where a generic `starts(with:)` cost some 300.
    func hasPrefix(_ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard count >= length, let base = baseAddress else { return false }
        return memcmp(base, text.utf8Start, length) == 0
    }

    /// Whether these bytes spell `text` in any ASCII letter case.
    func equalsIgnoringCase(_ text: String) -> Bool {
        // Lengths first: most names compared differ in length, and a native string knows its
        // length without the call into its bytes (about 50 instructions a name).
        guard text.utf8.count == count else { return false }
        var text = text
        return text.withUTF8 { expected in
            for offset in 0..<count where self[offset] != expected[offset] {
                let byte = self[offset] | 0x20
                guard byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z"), byte == expected[offset] | 0x20 else {
                    return false
                }
            }
            return true
        }
    }
}

extension Slice<UnsafeRawBufferPointer> {
    /// Without the spaces and tabs around it.
    var trimmingWhitespace: Self {
        var trimmed = self
        while let first = trimmed.first, first.isWhitespace { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, last.isWhitespace { trimmed = trimmed.dropLast() }
        return trimmed
    }
}

extension UnsafeRawBufferPointer {
    /// Calls `body` with each non-empty element of a comma-separated list, trimmed, without
    /// collecting them in an array first.
    func forEachToken(_ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        while start <= count {
            var end = start
            while end < count, self[end] != UInt8(ascii: ",") { end += 1 }
            let token = self[start..<end].trimmingWhitespace
            if !token.isEmpty { body(UnsafeRawBufferPointer(rebasing: token)) }
            start = end + 1
        }
    }
}

extension String {
    /// Whether this header name is `lowercase` in any letter case.
    func isHeaderName(_ lowercase: StaticString) -> Bool {
        // A string without contiguous UTF-8 (bridged) is rare: lowercasing a copy is fine there.
        utf8.withContiguousStorageIfAvailable { UnsafeRawBufferPointer($0).equalsLowercase(lowercase) }
            ?? (self.lowercased() == lowercase.description)
    }
}
