import RouterEngine

/// Who is at the keyboard, for the event log: the login name, and the SSH client's address.
enum OperatorOrigin {
    static func from(environment: [String: String]) -> CommandOrigin {
        let user = [environment["USER"], environment["LOGNAME"]]
            .compactMap { $0 }
            .first { !$0.isEmpty } ?? "unknown"
        // SSH_CLIENT is "address client-port server-port".
        let address = environment["SSH_CLIENT"]?
            .split(separator: " ", omittingEmptySubsequences: true)
            .first
            .map(String.init)
        return CommandOrigin(user: user, address: address)
    }
}
