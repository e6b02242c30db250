import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a lock file that holds its owner's pid, so whoever finds it taken can
/// name the owner. Held until the value is released or the process ends, however it ends.
///
/// The lock file stays in place after its owner: removing it would let a newcomer lock a file
/// another process is about to lock under the same name.
public final class PidLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Why the lock was not taken.
    public enum Refusal: Error, Equatable, Sendable {
        /// Another process holds it; its pid when it has written one.
        case held(pid: Int32?)
        /// The lock file cannot be opened (the reason).
        case unavailable(String)
    }

    /// Takes the lock at `path` (created 0600, never through a symbolic link) without waiting.
    public static func take(_ path: String) -> Result<PidLock, Refusal> {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return .failure(.unavailable(String(cString: strerror(errno)))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let pid = readPid(descriptor)
            close(descriptor)
            return .failure(.held(pid: pid))
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return .success(PidLock(descriptor: descriptor))
    }

    /// Who holds the lock at `path` now, without keeping it: nil when it is free.
    public static func holder(_ path: String) -> Refusal? {
        switch take(path) {
        case .success: return nil
        case .failure(let refusal): return refusal
        }
    }

    /// "pid 123", or words for an owner that has not written its pid yet.
    public static func describe(_ pid: Int32?) -> String {
        pid.map { "pid \($0)" } ?? "a process that has not written its pid yet"
    }

    private static func readPid(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    deinit {
        close(descriptor)
    }
}
