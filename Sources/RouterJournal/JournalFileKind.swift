import Foundation
import RouterAPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What may be a journal: a regular file, or nothing yet. A FIFO would block start-up in `open`,
/// a device or directory cannot hold lines, and a symbolic link would send the writes wherever it
/// points (it is refused, not followed: the operator names the file itself).
enum JournalFileKind {
    /// Why the path cannot be a journal, or nil (also when nothing is there yet).
    static func problem(at path: String) -> JournalWriteError? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return problem(mode: status.st_mode, path: path)
    }

    /// The same for a file already opened.
    static func problem(descriptor: Int32, path: String) -> JournalWriteError? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return problem(mode: status.st_mode, path: path)
    }

    private static func problem(mode: mode_t, path: String) -> JournalWriteError? {
        let kind: String
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFLNK: return JournalWriteError("--journal=\(path) is a symbolic link; name the file itself (a link is not followed)")
        case S_IFIFO: kind = "a FIFO"
        case S_IFDIR: kind = "a directory"
        case S_IFCHR, S_IFBLK: kind = "a device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a file"
        }
        return JournalWriteError("--journal=\(path) is \(kind), not a regular file; it must be a regular file or not exist yet")
    }
}
