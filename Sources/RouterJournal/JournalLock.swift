import Foundation
import RouterAPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One writer per journal: an exclusive `flock` on `PATH.lock`, which holds the writer's pid so a
/// second router can name it. Released when the process ends, however it ends.
///
/// A lock file of its own, not the journal: rotation replaces the journal's file, and the lock
/// must not move with it.
final class JournalLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    static func path(for journal: String) -> String { journal + ".lock" }

    /// Takes the lock, or says which process holds it.
    static func take(for journal: String) -> Result<JournalLock, JournalWriteError> {
        let lockPath = path(for: journal)
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            return .failure(JournalWriteError("--journal=\(journal): its lock \(lockPath) cannot be opened (\(String(cString: strerror(errno))))"))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = readPid(descriptor).map { "pid \($0)" } ?? "a process that has not written its pid yet"
            close(descriptor)
            return .failure(JournalWriteError(
                "--journal=\(journal) is in use by another router (\(holder)); give each router its own --journal (or --name)"))
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return .success(JournalLock(descriptor: descriptor))
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
