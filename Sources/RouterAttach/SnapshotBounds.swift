import Foundation
import RouterAPI

/// Checks every number of a snapshot that came over the wire before anything draws it: a hostile
/// or broken router must not make the dashboard's arithmetic overflow (which traps).
///
/// The bounds leave room for every sum and conversion the dashboard makes: counts are at most
/// 2^40 (a snapshot holds at most ~10^6 replicas, so sums stay far under Int.max); rates and other
/// real numbers are finite and at most 10^12 in size; durations are 0 … 10^8 s; engine times and
/// other 64-bit words are 0 … 2^62. Walks the value by reflection, so a field added to the
/// snapshot is checked without being named here.
public enum SnapshotBounds {
    static let maxCount = 1 << 40
    static let maxReal = 1e12
    static let maxDuration = Duration.seconds(100_000_000)
    static let maxWord: UInt64 = 1 << 62

    /// Why the snapshot cannot be drawn (the path of the first number out of range), or nil.
    public static func problem(in snapshot: RouterSnapshot) -> String? {
        problem(in: snapshot, path: "snapshot")
    }

    private static func problem(in value: Any, path: @autoclosure () -> String) -> String? {
        switch value {
        case let number as Int:
            return (0...maxCount).contains(number) ? nil : "\(path()) = \(number) is outside 0 … \(maxCount)"
        case let number as Int64:
            return (0...Int64(maxWord)).contains(number) ? nil : "\(path()) = \(number) is outside 0 … \(maxWord)"
        case let number as UInt64:
            return number <= maxWord ? nil : "\(path()) = \(number) is over \(maxWord)"
        case let number as Double:
            return number.isFinite && abs(number) <= maxReal ? nil : "\(path()) = \(number) is not a finite number within ±\(maxReal)"
        case let duration as Duration:
            return duration >= .zero && duration <= maxDuration
                ? nil : "\(path()) = \(duration) is outside 0 … \(maxDuration)"
        case let date as Date:
            let seconds = date.timeIntervalSinceReferenceDate
            return seconds.isFinite && abs(seconds) <= maxReal ? nil : "\(path()) is not a date"
        case is String, is Bool:
            return nil
        default:
            let mirror = Mirror(reflecting: value)
            for (index, child) in mirror.children.enumerated() {
                let name = child.label ?? "[\(index)]"
                if let problem = problem(in: child.value, path: "\(path()).\(name)") { return problem }
            }
            return nil
        }
    }
}
