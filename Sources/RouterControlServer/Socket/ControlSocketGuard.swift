import Foundation
import RouterAPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes a control socket's place safe to bind: a private directory, and no live router's socket
/// taken over. A stale socket (nobody answers) is removed.
public enum ControlSocketGuard {
    /// What is at a socket path now.
    public enum Occupant: Equatable, Sendable {
        case nothing
        /// A router answers on it.
        case live
        /// A socket file nobody listens on (a router that crashed).
        case stale
        /// Something that is not a socket.
        case other
    }

    /// Creates the socket's directory (0700) if needed, refuses one others can enter, takes the
    /// socket's lock (`PATH.lock`, held for the router's life) and clears a stale socket. Refuses when
    /// a live router holds the path.
    ///
    /// The lock closes a race: a socket bound but not yet listening looks stale to a router started
    /// in the same instant, which would remove it; the lock is taken before binding and held after.
    public static func prepare(path: String) -> Result<PidLock, ControlStartupError> {
        let directory = (path as NSString).deletingLastPathComponent
        if let problem = prepareDirectory(directory) { return .failure(problem) }
        let lock: PidLock
        switch PidLock.take(path + ".lock") {
        case .failure(.held(let pid)):
            return .failure(ControlStartupError(
                "another router is live on the control socket \(path) (\(PidLock.describe(pid))); choose another --name or --control, or attach to it",
                isTaken: true
            ))
        case .failure(.unavailable(let reason)):
            return .failure(ControlStartupError("the control socket's lock \(path).lock cannot be opened (\(reason))"))
        case .success(let taken): lock = taken
        }
        switch occupant(of: path) {
        case .nothing:
            return .success(lock)
        case .live:
            return .failure(ControlStartupError(
                "another router is live on the control socket \(path); choose another --name or --control, or attach to it",
                isTaken: true
            ))
        case .other:
            return .failure(ControlStartupError("the control socket path \(path) holds a file that is not a socket"))
        case .stale:
            guard unlink(path) == 0 else {
                return .failure(ControlStartupError(
                    "the stale control socket \(path) cannot be removed (\(String(cString: strerror(errno))))"
                ))
            }
            return .success(lock)
        }
    }

    /// Whether a router answers at `path`.
    public static func occupant(of path: String) -> Occupant {
        var status = stat()
        guard lstat(path, &status) == 0 else { return .nothing }
        guard (status.st_mode & S_IFMT) == S_IFSOCK else { return .other }
        return canConnect(path) ? .live : .stale
    }

    /// Opens a connection to the Unix socket at `path` and closes it again, without waiting: a
    /// router whose backlog is full (it is busy, or stopped) counts as live.
    public static func canConnect(_ path: String) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0 || errno == EAGAIN || errno == EINPROGRESS
    }

    private static func prepareDirectory(_ directory: String) -> ControlStartupError? {
        var status = stat()
        if stat(directory, &status) != 0 {
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
                return ControlStartupError("the control socket directory \(directory) cannot be created (\(String(cString: strerror(errno))))")
            }
            guard stat(directory, &status) == 0 else {
                return ControlStartupError("the control socket directory \(directory) cannot be read")
            }
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            return ControlStartupError("the control socket directory \(directory) is not a directory")
        }
        guard status.st_uid == getuid() else {
            return ControlStartupError("the control socket directory \(directory) belongs to another user (uid \(status.st_uid))")
        }
        if directory.hasSuffix("/routertop") || directory.contains("/routertop-"), status.st_mode & 0o077 != 0 {
            return ControlStartupError(
                "the control socket directory \(directory) is open to others (mode \(String(status.st_mode & 0o777, radix: 8))); it must be 0700"
            )
        }
        return nil
    }
}
