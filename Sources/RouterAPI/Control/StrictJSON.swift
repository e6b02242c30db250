import Foundation

/// Reads a request body as a JSON object with known fields only, so a typo is refused by name
/// instead of silently ignored.
public enum StrictJSON {
    /// The largest body the control API reads.
    public static let maxBodyBytes = 64 * 1024

    /// The body's top-level object, after checking its size and that every field is one of `fields`.
    public static func object(
        _ data: Data, fields: [String]
    ) -> Result<[String: Any], ControlEndpoint.Problem> {
        func refuse(_ message: String) -> Result<[String: Any], ControlEndpoint.Problem> {
            .failure(ControlEndpoint.Problem(status: 400, message: message))
        }
        if data.count > maxBodyBytes { return refuse("the body is \(data.count) bytes; it must be at most \(maxBodyBytes)") }
        if data.isEmpty { return .success([:]) }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            return refuse("the body is not valid JSON (\(Self.describe(error)))")
        }
        guard let object = parsed as? [String: Any] else { return refuse("the body must be a JSON object") }
        if let duplicate = firstDuplicateKey(data) {
            return refuse("the field \"\(duplicate)\" is given twice; give each field once")
        }
        let unknown = object.keys.filter { !fields.contains($0) }.sorted()
        if let first = unknown.first {
            let known = fields.isEmpty ? "this request takes no fields" : "the fields are \(fields.joined(separator: ", "))"
            return refuse("unknown field \"\(first)\"; \(known)")
        }
        return .success(object)
    }

    /// The first key given twice in one object of a valid JSON text (JSONSerialization keeps the last).
    public static func firstDuplicateKey(_ data: Data) -> String? {
        let bytes = [UInt8](data)
        var objects: [Set<String>?] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"): objects.append([])
            case UInt8(ascii: "["): objects.append(nil)
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = objects.popLast()
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    index += 1
                }
                let token = Data(bytes[start...min(index, bytes.count - 1)])
                var next = index + 1
                while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
                // A string followed by a colon inside an object is a key.
                guard next < bytes.count, bytes[next] == UInt8(ascii: ":"), let last = objects.indices.last,
                      objects[last] != nil,
                      let key = try? JSONSerialization.jsonObject(with: token, options: [.fragmentsAllowed]) as? String
                else { break }
                if objects[last]!.insert(key).inserted == false { return key }
            default: break
            }
            index += 1
        }
        return nil
    }

    /// A field's number, refusing booleans and strings that JSONSerialization would turn into one.
    public static func number(_ value: Any, field: String) -> Result<Double, ControlEndpoint.Problem> {
        if let number = value as? NSNumber, !Self.isBoolean(number), let double = Double(exactly: number.doubleValue) {
            return .success(double)
        }
        return .failure(ControlEndpoint.Problem(status: 400, message: "\(field) must be a number, not \(Self.kind(value))"))
    }

    /// A field's text.
    public static func string(_ value: Any, field: String) -> Result<String, ControlEndpoint.Problem> {
        if let text = value as? String { return .success(text) }
        return .failure(ControlEndpoint.Problem(status: 400, message: "\(field) must be a string, not \(Self.kind(value))"))
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        number === kCFBooleanTrueValue || number === kCFBooleanFalseValue
            || String(cString: number.objCType) == "c"
    }

    private static let kCFBooleanTrueValue = NSNumber(value: true)
    private static let kCFBooleanFalseValue = NSNumber(value: false)

    private static func kind(_ value: Any) -> String {
        switch value {
        case is String: "a string"
        case is NSNull: "null"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        case let number as NSNumber where isBoolean(number): "a boolean"
        default: "\(value)"
        }
    }

    private static func describe(_ error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        return text ?? "\(error)"
    }
}
