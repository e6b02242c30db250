import Foundation
import RouterAPI

/// Writes live settings as environment lines, so the next start can use them.
enum SettingsExporter {
    /// Writes `routertop-settings-<time>.env` into `directory`; returns its path or a reason.
    static func export(
        _ settings: RouterSettings, to directory: String, now: Date = Date()
    ) -> Result<String, ExportError> {
        let stamp = timestamp(now)
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var path = "\(base.isEmpty ? "." : base)/routertop-settings-\(stamp).env"
        var suffix = 2
        while FileManager.default.fileExists(atPath: path) {
            path = "\(base.isEmpty ? "." : base)/routertop-settings-\(stamp)-\(suffix).env"
            suffix += 1
        }
        let text = "# routertop live settings, exported \(stamp) UTC\n"
            + settings.environmentLines.joined(separator: "\n") + "\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
            return .success(path)
        } catch {
            return .failure(ExportError(path: path, reason: (error as NSError).localizedDescription))
        }
    }

    struct ExportError: Error, Equatable {
        var path: String
        var reason: String
    }

    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        let day = "\(parts.year ?? 0)\(two(parts.month))\(two(parts.day))"
        return day + "-\(two(parts.hour))\(two(parts.minute))\(two(parts.second))"
    }
}
