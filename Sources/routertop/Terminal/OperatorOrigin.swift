import RouterEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is at the keyboard, for the event log: the login name, and the SSH client's address.
enum OperatorOrigin {
    static func from(environment: [String: String], accountName: String? = OperatorOrigin.accountName()) -> CommandOrigin {
        let user = [environment["USER"], environment["LOGNAME"], accountName]
            .compactMap { $0 }
            .first { !$0.isEmpty } ?? "unknown"
        // SSH_CLIENT is "address client-port server-port".
        let address = environment["SSH_CLIENT"]?
            .split(separator: " ", omittingEmptySubsequences: true)
            .first
            .map(String.init)
        return CommandOrigin(user: user, address: address, uid: UInt32(getuid()), via: .dashboard)
    }

    /// The name of the account the process runs as, for sessions started without USER or LOGNAME.
    static func accountName() -> String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }
}
