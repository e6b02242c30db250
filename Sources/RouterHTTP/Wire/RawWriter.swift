import NIOHTTP1

/// Bytes copied into memory whose size was counted beforehand.
///
/// Heads are copied into a buffer's memory in one call: each of ByteBuffer's own writes checks
/// capacity, uniqueness and exclusive access again, about 300 instructions apiece.
struct RawWriter {
    let memory: UnsafeMutableRawBufferPointer
    private(set) var written = 0

    init(memory: UnsafeMutableRawBufferPointer) {
        self.memory = memory
    }

    mutating func put(_ byte: UInt8) {
        memory[written] = byte
        written += 1
    }

    /// Two bytes stored as they are: `: ` and CRLF, two to four of them a header line and more a
    /// head, were each a call to copy two bytes, which cost more than the bytes.
    mutating func put(_ first: UInt8, _ second: UInt8) {
        precondition(written + 2 <= memory.count, "head: more bytes than counted")
        memory[written] = first
        memory[written + 1] = second
        written += 2
    }

    /// CRLF.
    mutating func putLineEnd() {
        put(.carriageReturn, .lineFeed)
    }

    /// The `: ` between a header's name and its value.
    mutating func putNameSeparator() {
        put(.colon, .space)
    }

    mutating func put(digit: Int) {
        put(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit))
    }

    /// `HTTP/1.1`, say.
    mutating func put(version: HTTPVersion) {
        put("HTTP/")
        put(digit: version.major)
        put(UInt8(ascii: "."))
        put(digit: version.minor)
    }

    /// `GET /path HTTP/1.1` and its CRLF.
    mutating func putRequestLine(method: String, target: String, version: HTTPVersion) {
        put(method)
        put(UInt8(ascii: " "))
        put(target)
        put(UInt8(ascii: " "))
        put(version: version)
        putLineEnd()
    }

    /// `HTTP/1.1 200 OK` and its CRLF.
    mutating func putStatusLine(version: HTTPVersion, code: Int, reason: String) {
        put(version: version)
        put(UInt8(ascii: " "))
        put(digit: code / 100 % 10)
        put(digit: code / 10 % 10)
        put(digit: code % 10)
        put(UInt8(ascii: " "))
        put(reason)
        putLineEnd()
    }

    mutating func put(_ text: StaticString) {
        put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// One header line.
    mutating func put(_ name: String, _ value: String) {
        put(name)
        putNameSeparator()
        put(value)
        putLineEnd()
    }

    mutating func put(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { put(UnsafeRawBufferPointer($0)) }
        // A string without contiguous UTF-8 (bridged): rare, so byte by byte is fine.
        if copied == nil { for byte in text.utf8 { put(byte) } }
    }

    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return }
        precondition(written + bytes.count <= memory.count, "head: more bytes than counted")
        memory.baseAddress!.advanced(by: written).copyMemory(from: start, byteCount: bytes.count)
        written += bytes.count
    }
}
