/// Strict parsing and canonical printing of the numbers operators type into settings.
public enum SettingText {
    /// Why a text is not a number we accept.
    public enum NumberProblem: Error, Equatable, Sendable {
        case empty
        case notANumber
        case notFinite
        case notAnInteger

        public var phrase: String {
            switch self {
            case .empty: "is empty"
            case .notANumber: "is not a number"
            case .notFinite: "is not finite"
            case .notAnInteger: "is not a whole number"
            }
        }
    }

    /// Parses a decimal number such as `2`, `0.025`, `.5` or `1e-3`.
    ///
    /// Refuses what `Double.init(_:)` would let through but an operator did not mean: surrounding
    /// spaces, trailing garbage, `nan`, `inf` and hexadecimal floats.
    public static func number(_ text: String) -> Result<Double, NumberProblem> {
        if text.isEmpty { return .failure(.empty) }
        guard isDecimalLiteral(text), let value = Double(text) else {
            let lowered = text.lowercased()
            let isSpecial = ["nan", "inf", "infinity"].contains(lowered.trimmingSign())
            return .failure(isSpecial ? .notFinite : .notANumber)
        }
        return value.isFinite ? .success(value) : .failure(.notFinite)
    }

    /// Parses a whole decimal number such as `500`.
    public static func integer(_ text: String) -> Result<Int, NumberProblem> {
        switch number(text) {
        case .failure(let problem): return .failure(problem)
        case .success(let value):
            guard let whole = Int(exactly: value) else { return .failure(.notAnInteger) }
            return .success(whole)
        }
    }

    /// The shortest text that reads back as `value`: `2`, `0.025`, `0.5`.
    public static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    private static func isDecimalLiteral(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            bytes = bytes.dropFirst()
        }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let integerDigits = bytes.prefix(while: isDigit).count
        bytes = bytes.dropFirst(integerDigits)
        var fractionDigits = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fractionDigits = bytes.prefix(while: isDigit).count
            bytes = bytes.dropFirst(fractionDigits)
        }
        guard integerDigits + fractionDigits > 0 else { return false }
        if let marker = bytes.first, marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
            }
            let exponentDigits = bytes.prefix(while: isDigit).count
            guard exponentDigits > 0 else { return false }
            bytes = bytes.dropFirst(exponentDigits)
        }
        return bytes.isEmpty
    }
}

private extension String {
    func trimmingSign() -> Substring {
        if let first, first == "+" || first == "-" { return dropFirst() }
        return self[...]
    }
}
