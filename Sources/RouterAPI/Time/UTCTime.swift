import Foundation

/// A wall-clock moment in UTC, to the millisecond: what people, logs and Grafana match times by.
///
/// In JSON it is RFC 3339 with milliseconds and `Z` (`2026-12-01T10:14:03.123Z`).
public struct UTCTime: Comparable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public init(_ date: Date) {
        self.milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The Unix epoch: where a virtual timeline with no wall clock of its own starts.
    public static let epoch = UTCTime(milliseconds: 0)

    public static func now() -> UTCTime { UTCTime(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// This moment moved by an engine duration (saturating).
    public static func + (lhs: UTCTime, rhs: Duration) -> UTCTime {
        let (sum, overflow) = lhs.milliseconds.addingReportingOverflow(rhs.nanosecondsClamped / 1_000_000)
        return UTCTime(milliseconds: overflow ? (rhs > .zero ? .max : .min) : sum)
    }

    public static func < (lhs: UTCTime, rhs: UTCTime) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// RFC 3339 with milliseconds: `2026-12-01T10:14:03.123Z`.
    public var description: String {
        let (days, dayMilliseconds) = milliseconds.floorDividedBy(86_400_000)
        let (year, month, day) = Self.civil(fromDays: days)
        let seconds = dayMilliseconds / 1000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(year), Int(month), Int(day), Int(seconds / 3600), Int(seconds / 60 % 60), Int(seconds % 60),
            Int(dayMilliseconds % 1000)
        )
    }

    /// `HH:MM:SS` in UTC, as the event log shows a time.
    public var clockText: String { String(description.dropFirst(11).prefix(8)) }

    /// Reads RFC 3339 (`Z` or a numeric offset; fractions of a second to any precision).
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 116,
              bytes[13] == 58, bytes[16] == 58,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if digits < 3 { fraction = fraction * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { fraction *= 10 } }
        }
        var offsetMinutes: Int64 = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 90, 122:
            index += 1
        case 43, 45:
            guard let hours = number(index + 1..<index + 3), bytes.count > index + 3, bytes[index + 3] == 58,
                  let minutes = number(index + 4..<index + 6) else { return nil }
            offsetMinutes = (hours * 60 + minutes) * (bytes[index] == 45 ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = Self.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        self.milliseconds = seconds * 1000 + fraction
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let time = UTCTime(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(text) is not an RFC 3339 time like 2026-12-01T10:14:03.123Z"
            )
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // Howard Hinnant's days-from-civil algorithms: exact for every proleptic Gregorian date.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension Int64 {
    /// Division rounding toward minus infinity, with a remainder that is never negative.
    fileprivate func floorDividedBy(_ divisor: Int64) -> (Int64, Int64) {
        let remainder = self % divisor
        return remainder < 0 ? (self / divisor - 1, remainder + divisor) : (self / divisor, remainder)
    }
}
