import Foundation
import RouterAPI

/// The bearer tokens that allow writes over TCP, each with a label that names who holds it.
public struct AdminTokens: Sendable {
    struct Entry: Sendable {
        var label: String
        var token: [UInt8]
    }

    let entries: [Entry]

    /// A token from `ROUTERTOP_ADMIN_TOKEN`, labelled `token`.
    public static func single(_ token: String, label: String = "token") -> AdminTokens {
        AdminTokens(entries: [Entry(label: label, token: Array(token.utf8))])
    }

    /// Reads `--admin-token-file`: one token per line, as `LABEL TOKEN` or a bare `TOKEN` (label
    /// `token`); `#` starts a comment. The file must not be readable or writable by others.
    public static func load(file path: String) -> Result<AdminTokens, ControlStartupError> {
        func refuse(_ why: String) -> Result<AdminTokens, ControlStartupError> {
            .failure(ControlStartupError("--admin-token-file=\(path) \(why)"))
        }
        var status = stat()
        guard stat(path, &status) == 0 else { return refuse("cannot be read (\(String(cString: strerror(errno))))") }
        if status.st_mode & 0o077 != 0 {
            return refuse("is readable by others (mode \(String(status.st_mode & 0o777, radix: 8))); it must be 0600 or 0400")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return refuse("is not UTF-8 text") }
        var entries: [Entry] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count <= 2 else {
                return .failure(ControlStartupError("\(path):\(number + 1): a line is LABEL TOKEN or TOKEN"))
            }
            let token = String(words.last!)
            guard token.utf8.count >= 16 else {
                return .failure(ControlStartupError("\(path):\(number + 1): the token is shorter than 16 characters"))
            }
            entries.append(Entry(label: words.count == 2 ? String(words[0]) : "token", token: Array(token.utf8)))
        }
        guard !entries.isEmpty else { return refuse("holds no token") }
        return .success(AdminTokens(entries: entries))
    }

    /// The token a client presents: the file's first.
    public var clientToken: String { String(decoding: entries[0].token, as: UTF8.self) }

    /// The label of the token `presented` matches, compared in constant time.
    ///
    /// Every entry is compared in full, whatever matches, so the time taken says nothing about
    /// which bytes were right.
    public func label(for presented: String) -> String? {
        let bytes = Array(presented.utf8)
        var found: String?
        for entry in entries where Self.constantTimeEqual(entry.token, bytes) && found == nil {
            found = entry.label
        }
        return found
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let length = max(a.count, b.count)
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }
}
