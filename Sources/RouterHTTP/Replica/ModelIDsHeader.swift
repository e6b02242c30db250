/// The answer header in which a replica tells the models it holds: `VERSION;ID,ID,…`, the version
/// growing on each change of the set, so a router that saw this version skips the list.
///
/// An id's `%`, `,`, `;`, spaces and bytes beyond visible ASCII are percent-encoded (model ids
/// rarely have any).
public enum ModelIDsHeader {
    public static let name = "serve-multiplexed-model-ids"

    /// The most bytes of a header value the router reads; a longer one is ignored, and the replica's
    /// probe answers still tell its models.
    public static let maxValueBytes = 16 * 1024

    public static func value(version: UInt64, models: [String]) -> String {
        "\(version);" + models.map(encode).joined(separator: ",")
    }

    /// The version and models of a header value; nil when it is malformed or too long.
    public static func parse(_ value: String) -> (version: UInt64, models: [String])? {
        guard value.utf8.count <= maxValueBytes, let separator = value.firstIndex(of: ";"),
              let version = UInt64(value[..<separator]) else { return nil }
        let list = value[value.index(after: separator)...]
        guard !list.isEmpty else { return (version, []) }
        var models: [String] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard let model = decode(part), !model.isEmpty else { return nil }
            models.append(model)
        }
        return (version, models)
    }

    /// Only the version, without reading the list (for a router that already has it).
    public static func version(in value: String) -> UInt64? {
        guard let separator = value.firstIndex(of: ";") else { return nil }
        return UInt64(value[..<separator])
    }

    /// Visible ASCII but `%`, `,` and `;` as it is; every other byte percent-encoded.
    private static func encode(_ model: String) -> String {
        var encoded = ""
        for byte in model.utf8 {
            if byte >= 0x21, byte < 0x7F, byte != UInt8(ascii: "%"), byte != UInt8(ascii: ","), byte != UInt8(ascii: ";") {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }

    private static func decode(_ part: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = part.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
