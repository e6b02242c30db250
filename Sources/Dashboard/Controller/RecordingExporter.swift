import Foundation
import RouterAPI

/// Writes the router's recording as JSON (what `simulate --replay` reads).
enum RecordingExporter {
    /// Writes `routertop-recording-<time>.json` into `directory`; returns its path or a reason.
    static func export(_ recording: Recording, to directory: String, now: Date = Date()) -> Result<String, SettingsExporter.ExportError> {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let stamp = SettingsExporter.timestamp(now)
        var path = "\(base.isEmpty ? "." : base)/routertop-recording-\(stamp).json"
        var suffix = 2
        while FileManager.default.fileExists(atPath: path) {
            path = "\(base.isEmpty ? "." : base)/routertop-recording-\(stamp)-\(suffix).json"
            suffix += 1
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(recording).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
            return .success(path)
        } catch {
            return .failure(SettingsExporter.ExportError(path: path, reason: (error as NSError).localizedDescription))
        }
    }
}
