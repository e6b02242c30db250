import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The login name of the process at the other end of a Unix socket, from the kernel.
enum PeerLogin {
    /// Asks the kernel for the peer's uid (SO_PEERCRED) and turns it into a login name.
    static func of(_ channel: any Channel) -> EventLoopFuture<String> {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture("unknown")
        }
        let future: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
        )
        return future.map { name(of: $0.uid) }.recover { _ in "unknown" }
        #else
        return channel.eventLoop.makeSucceededFuture(name(of: getuid()))
        #endif
    }

    /// Linux's `struct ucred`, which Glibc hides without `_GNU_SOURCE`: pid, uid and gid.
    struct PeerCredentials: Sendable {
        var pid: Int32 = 0
        var uid: uid_t = 0
        var gid: gid_t = 0
    }

    static func name(of uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }

    /// The uid of a Unix socket peer's login, for the journal; nil over TCP.
    static func uid(of login: String, transport: ControlTransport) -> UInt32? {
        guard case .unixSocket = transport, let entry = getpwnam(login) else { return nil }
        return UInt32(entry.pointee.pw_uid)
    }
}
