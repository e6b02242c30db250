import Foundation
import RouterAPI

/// How a request reached the control API.
public enum ControlTransport: Equatable, Sendable {
    /// The Unix socket (mode 0600): the kernel names the peer's account.
    case unixSocket(login: String)
    /// TCP from `address`; `loopback` when it came from this machine.
    case tcp(address: String, loopback: Bool)
}

/// Who is asking, as far as the server can tell, and what they may do.
public struct ControlCaller: Equatable, Sendable {
    /// Written into the event log with each change.
    public var origin: CommandOrigin
    public var mayWrite: Bool
    /// Why a write is refused (with `mayWrite` false).
    public var writeRefusal: String
    /// The client's session (an attached dashboard), whose stream's end reverts a trial it started.
    public var session: String?
}

/// Decides who a caller is and whether a request may go on: a pure function of what arrived.
public enum AccessPolicy {
    public enum Decision: Equatable, Sendable {
        case allow(ControlCaller)
        case deny(status: Int, message: String)
    }

    /// - Parameters:
    ///   - isWrite: whether the endpoint changes the router.
    ///   - authorization: the `Authorization` header, if any.
    ///   - claimedAddress: the SSH client address the client says its operator came from.
    ///   - readOnlyClient: the client attached with `--readonly`.
    ///   - tokens: the tokens configured for TCP, if any.
    public static func decide(
        isWrite: Bool, transport: ControlTransport, authorization: String?, claimedAddress: String?,
        readOnlyClient: Bool, tokens: AdminTokens?
    ) -> Decision {
        var caller: ControlCaller
        switch transport {
        case .unixSocket(let login):
            caller = ControlCaller(origin: CommandOrigin(user: login, address: claimedAddress), mayWrite: true,
                                   writeRefusal: "")
        case .tcp(let address, let loopback):
            let presented = authorization.flatMap(bearerToken)
            let label = presented.flatMap { tokens?.label(for: $0) }
            if presented != nil, label == nil {
                return .deny(status: 401, message: "the bearer token is not valid")
            }
            if let label {
                caller = ControlCaller(origin: CommandOrigin(user: label, address: claimedAddress ?? address),
                                       mayWrite: true, writeRefusal: "")
            } else if loopback {
                let why = tokens == nil
                    ? "writes over TCP need a token, and this router has none (ROUTERTOP_ADMIN_TOKEN or --admin-token-file)"
                    : "writes over TCP need Authorization: Bearer TOKEN"
                caller = ControlCaller(origin: CommandOrigin(user: "anonymous", address: address), mayWrite: false,
                                       writeRefusal: why)
            } else {
                return .deny(status: 401, message: "requests from \(address) need Authorization: Bearer TOKEN")
            }
        }
        if readOnlyClient {
            caller.mayWrite = false
            caller.writeRefusal = "this client attached read-only"
        }
        if isWrite, !caller.mayWrite {
            return .deny(status: readOnlyClient ? 403 : 401, message: caller.writeRefusal)
        }
        return .allow(caller)
    }

    private static func bearerToken(_ header: String) -> String? {
        let prefix = "Bearer "
        guard header.count > prefix.count, header.lowercased().hasPrefix(prefix.lowercased()) else { return nil }
        return String(header.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
    }
}
