import Foundation

/// Where themes are looked up: `./themes`, then the `themes` folder nearest above the executable,
/// then `share/routertop/themes` beside an installed executable's `bin` folder.
///
/// Walking up from the executable lets `.build/debug/routertop`, run from any directory, find the
/// repository's themes.
enum ThemeDirectories {
    static func searchDirectories(
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = ThemeDirectories.executablePath()
    ) -> [String] {
        var directories = [URL(fileURLWithPath: currentDirectory).appendingPathComponent("themes").path]
        if let executablePath {
            let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
            if let found = nearestThemes(above: executable), !directories.contains(found) {
                directories.append(found)
            }
            let installed = executable.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("share/routertop/themes").path
            if !directories.contains(installed) { directories.append(installed) }
        }
        return directories
    }

    /// The first `themes` directory found in the executable's folder or any folder above it.
    static func nearestThemes(above executable: URL) -> String? {
        var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        while true {
            let candidate = folder.appendingPathComponent("themes")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate.path
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    /// The running executable's own path, independent of the directory it was started from.
    static func executablePath() -> String? {
        Bundle.main.executableURL?.path ?? CommandLine.arguments.first
    }
}
