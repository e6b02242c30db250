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
        if count >= 8 {
            // Eight bytes a compare, the last eight overlapping the ones before: a header name
            // here is 10 to 17 bytes, which a byte at a time took some 70 instructions to compare.
            let wanted = UnsafeRawBufferPointer(start: expected, count: count)
            var offset = 0
            while true {
                let want = wanted.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                let have = loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                guard have | Self.letterCaseBits(want) == want else { return false }
                if offset == count - 8 { return true }
                offset = Swift.min(offset + 8, count - 8)
            }
        }
        for offset in 0..<count {
            let byte = self[offset], want = expected[offset]
            let isLetter = want >= UInt8(ascii: "a") && want <= UInt8(ascii: "z")
            guard byte == want || (isLetter && byte | 0x20 == want) else { return false }
        }
        return true
    }

    /// The case bit (0x20) in each byte of `word` that is a lowercase ASCII letter, 0 in the others:
    /// a byte of a name matches that byte of `word` when, with those bits set, it equals it.
    /// `word`'s bytes are ASCII (below 0x80), so adding to one never carries into the next.
    static func letterCaseBits(_ word: UInt64) -> UInt64 {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let atLeastA = word &+ 0x1F1F_1F1F_1F1F_1F1F  // 0x61 + 0x1F = 0x80
        let pastZ = word &+ 0x0505_0505_0505_0505  // 0x7B + 0x05 = 0x80
        return (atLeastA & ~pastZ & highBits) >> 2
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
