import Foundation

/// Where a router's journal is: `--journal`, or `$XDG_STATE_HOME/routertop/NAME.journal.jsonl`
/// with NAME the control socket's name.
enum JournalPath {
    static func resolve(explicit: String?, socketPath: String, environment: [String: String]) -> String {
        if let explicit { return explicit }
        var name = (socketPath as NSString).lastPathComponent
        if name.hasSuffix(".sock") { name = String(name.dropLast(5)) }
        return directory(environment: environment) + "/\(name).journal.jsonl"
    }

    static func directory(environment: [String: String]) -> String {
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return "\(state)/routertop" }
        return "\(environment["HOME"] ?? NSHomeDirectory())/.local/state/routertop"
    }
}
