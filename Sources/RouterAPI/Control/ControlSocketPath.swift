import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where routers of this user put their control sockets, and how a name becomes a path.
public enum ControlSocketPath {
    /// `$XDG_RUNTIME_DIR/routertop`, or `/tmp/routertop-UID` when that is unset.
    public static func directory(environment: [String: String], uid: uid_t = getuid()) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return (runtime.hasSuffix("/") ? String(runtime.dropLast()) : runtime) + "/routertop"
        }
        return "/tmp/routertop-\(uid)"
    }

    /// The socket of the router called `name`.
    public static func path(name: String, environment: [String: String]) -> String {
        directory(environment: environment) + "/\(name).sock"
    }

    /// Checks a `--name`: letters, digits, `.`, `_` and `-`, so it is one file name.
    public static func checkName(_ name: String) -> ControlStartupError? {
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.isASCII && (CharacterSet.alphanumerics.contains($0))) || "._-".unicodeScalars.contains($0)
        }
        guard !name.isEmpty, name.count <= 64, allowed, !name.hasPrefix(".") else {
            return ControlStartupError(
                "--name=\(name) is not a router name; it must be 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'"
            )
        }
        return nil
    }

    /// The names of the sockets in `directory`, sorted.
    public static func names(in directory: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".sock") }.map { String($0.dropLast(5)) }.sorted()
    }
}
