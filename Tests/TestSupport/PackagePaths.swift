import Foundation

/// Where the package's own files are, found from this file's place in it: the root folder and the
/// built `routertop` binary the end-to-end tests drive.
public enum PackagePaths {
    /// The package's root folder (`Tests/TestSupport/` is two levels below it).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The debug build of `routertop` (`swift build` makes it).
    public static let routertop = root.appendingPathComponent(".build/debug/routertop").path

    /// A file or folder of the package, by its path from the root.
    public static func file(_ relative: String) -> URL { root.appendingPathComponent(relative) }
}
