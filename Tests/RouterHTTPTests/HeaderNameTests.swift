import Testing

@testable import RouterHTTP

/// Header names compared on their bytes in any letter case, eight bytes at a time from eight on.
struct HeaderNameTests {
    /// Every name the router compares, of each length from 1 to 17 (and past the eight-byte word).
    static let names: [StaticString] = [
        "a", "te", "via", "from", "close", "accept", "upgrade", "trailers", "keep-alive", "connection",
        "x-request-id", "content-length", "x-routertop-node", "transfer-encoding", "proxy-authorization",
    ]

    /// The byte-at-a-time rule the word compare must agree with: a letter matches either case of it,
    /// any other byte only itself.
    static func reference(_ bytes: [UInt8], _ lowercase: StaticString) -> Bool {
        let expected = Array(UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount))
        guard bytes.count == expected.count else { return false }
        return zip(bytes, expected).allSatisfy { byte, want in
            byte == want || (want >= UInt8(ascii: "a") && want <= UInt8(ascii: "z") && byte | 0x20 == want)
        }
    }

    static func compare(_ bytes: [UInt8], _ lowercase: StaticString) -> Bool {
        bytes.withUnsafeBytes { $0.equalsLowercase(lowercase) }
    }

    /// Each name, with every one of its bytes replaced in turn by each of the 256 byte values, is
    /// equal exactly when the byte-at-a-time rule says so (so `@`, `[`, `{` and the bytes above 0x7F,
    /// next to the letters, match nothing but themselves).
    @Test func everyByteAtEveryPlaceIsJudgedAsOneAtATime() {
        for name in Self.names {
            let original = Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            #expect(Self.compare(original, name), "\(name)")
            for place in original.indices {
                for value in 0...255 {
                    var bytes = original
                    bytes[place] = UInt8(value)
                    #expect(Self.compare(bytes, name) == Self.reference(bytes, name), "\(name) with \(value) at \(place)")
                }
            }
        }
    }

    /// Upper case, lower case and mixed all match; a name one byte longer or shorter does not.
    @Test func anyLetterCaseMatchesAndOnlyTheSameLength() {
        for name in Self.names {
            let lower = name.description
            for spelled in [lower, lower.uppercased(), String(lower.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element })] {
                #expect(Self.compare(Array(spelled.utf8), name), "\(spelled)")
                #expect(!Self.compare(Array((spelled + "s").utf8), name), "\(spelled)s")
                #expect(!Self.compare(Array(spelled.utf8.dropLast()), name), "\(spelled) less its last byte")
            }
        }
    }

    /// The case bits are set for the 26 lowercase letters, in each byte of the word, and nowhere else.
    @Test func caseBitsMarkTheLowercaseLettersOnly() {
        for value in UInt8(0)..<0x80 {
            for place in 0..<8 {
                let word = UInt64(value) << (8 * place) | UInt64(0x2D) << (8 * ((place + 1) % 8))
                let isLetter = value >= UInt8(ascii: "a") && value <= UInt8(ascii: "z")
                #expect(UnsafeRawBufferPointer.letterCaseBits(word) == (isLetter ? UInt64(0x20) << (8 * place) : 0),
                        "byte \(value) at \(place)")
            }
        }
    }
}
