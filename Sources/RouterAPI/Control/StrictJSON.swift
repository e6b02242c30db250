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
        let unknown = object.keys.filter { !fields.contains($0) }.sorted()
        if let first = unknown.first {
            let known = fields.isEmpty ? "this request takes no fields" : "the fields are \(fields.joined(separator: ", "))"
            return refuse("unknown field \"\(first)\"; \(known)")
        }
        return .success(object)
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
