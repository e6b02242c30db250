import Foundation
import RouterAPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The change journal on disk: one JSON object a line, each written and fsync'd before its change
/// takes effect, rotated at `maxBytes` keeping `keep` files in all.
///
/// Appends come from the router's thread and reads from the control API's, so both take a lock.
public final class JournalFile: ChangeJournal, JournalSource, @unchecked Sendable {
    /// Rotation: at 10 MiB the file moves to `.1` (and `.1` to `.2` …); 5 files are kept in all.
    public static let defaultMaxBytes = 10 * 1024 * 1024
    public static let defaultKeep = 5

    public let path: String
    /// What was wrong with the journal when it was opened (a torn last line), for the event log.
    public let openingProblems: [String]
    private let maxBytes: Int
    private let keep: Int
    private let now: @Sendable () -> Date
    private let lock = NSLock()
    /// Held for the journal's life: no other router writes this journal meanwhile.
    private let fileLock: PidLock
    private var descriptor: Int32
    private var size: Int
    private var lastSequence: UInt64

    /// Opens (or creates) the journal at `path`, creating its directory (mode 0700).
    ///
    /// A last line without its newline (a write cut short by a crash or power loss) is reported in
    /// `openingProblems` and closed with a newline, so the next entry starts on a line of its own.
    public static func open(
        path: String, maxBytes: Int = defaultMaxBytes, keep: Int = defaultKeep,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> Result<JournalFile, JournalWriteError> {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                return .failure(JournalWriteError("--journal=\(path): its directory cannot be created (\(error.localizedDescription))"))
            }
        }
        if let problem = JournalFileKind.problem(at: path) { return .failure(problem) }
        // One writer per journal; a lock file of its own, since rotation replaces the journal's file.
        let lock: PidLock
        switch PidLock.take(lockPath(path)) {
        case .failure(.held(let pid)):
            return .failure(JournalWriteError(
                "--journal=\(path) is in use by another router (\(PidLock.describe(pid))); give each router its own --journal (or --name)"))
        case .failure(.unavailable(let reason)):
            return .failure(JournalWriteError("--journal=\(path): its lock \(path).lock cannot be opened (\(reason))"))
        case .success(let taken): lock = taken
        }
        let descriptor = openForAppend(path)
        guard descriptor >= 0 else {
            return .failure(JournalWriteError("--journal=\(path) cannot be opened for appending (\(String(cString: strerror(errno))))"))
        }
        // The file may have been replaced since it was looked at: check what was opened.
        if let problem = JournalFileKind.problem(descriptor: descriptor, path: path) {
            close(descriptor)
            return .failure(problem)
        }
        let contents = JournalReader.read(files: [path])
        var problems = contents.problems
        var size = Int(lseek(descriptor, 0, SEEK_END))
        if let data = FileManager.default.contents(atPath: path), let last = data.last, last != UInt8(ascii: "\n") {
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
            problems.removeAll { $0.hasPrefix("\(path):\(lines):") }
            problems.append("\(path):\(lines): the last line is torn (\(data.count - (data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0)) bytes without an end); it is skipped, nothing else is lost")
            _ = "\n".withCString { write(descriptor, $0, 1) }
            fsync(descriptor)
            size += 1
        }
        var sequence = contents.entries.last?.sequence ?? 0
        if sequence == 0 {
            let rotated = JournalReader.read(files: rotatedPaths(path, keep: keep).reversed())
            sequence = rotated.entries.last?.sequence ?? 0
        }
        return .success(JournalFile(path: path, descriptor: descriptor, size: size, lastSequence: sequence,
                                    problems: problems, maxBytes: maxBytes, keep: keep, now: now, lock: lock))
    }

    private init(path: String, descriptor: Int32, size: Int, lastSequence: UInt64, problems: [String], maxBytes: Int,
                 keep: Int, now: @escaping @Sendable () -> Date, lock: PidLock) {
        self.path = path
        self.fileLock = lock
        self.descriptor = descriptor
        self.size = size
        self.lastSequence = lastSequence
        self.openingProblems = problems
        self.maxBytes = maxBytes
        self.keep = max(keep, 1)
        self.now = now
    }

    deinit { close(descriptor) }

    /// The lock a journal's writer holds: a file of its own, since rotation replaces the journal's.
    public static func lockPath(_ journal: String) -> String { journal + ".lock" }

    /// The rotated files, newest first: `PATH.1`, `PATH.2`, … up to `keep - 1`.
    static func rotatedPaths(_ path: String, keep: Int) -> [String] {
        keep > 1 ? (1..<keep).map { "\(path).\($0)" } : []
    }

    public func append(_ entry: JournalEntry) -> Result<JournalEntry, JournalWriteError> {
        lock.lock()
        defer { lock.unlock() }
        var entry = entry
        entry.sequence = lastSequence + 1
        entry.time = JournalTime.format(now())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(entry) else { return .failure(JournalWriteError("the entry cannot be encoded")) }
        line.append(UInt8(ascii: "\n"))
        if size > 0, size + line.count > maxBytes, let problem = rotate() { return .failure(problem) }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else {
            // A short write leaves a torn line; the next start reports it.
            return .failure(JournalWriteError("\(path): writing failed (\(String(cString: strerror(errno))))"))
        }
        guard fsync(descriptor) == 0 else {
            return .failure(JournalWriteError("\(path): fsync failed (\(String(cString: strerror(errno))))"))
        }
        size += line.count
        lastSequence = entry.sequence
        return .success(entry)
    }

    public func read(after: UInt64) -> JournalReply {
        lock.lock()
        let files = Self.rotatedPaths(path, keep: keep).reversed() + [path]
        lock.unlock()
        let contents = JournalReader.read(files: Array(files))
        return JournalReply(entries: contents.entries.filter { $0.sequence > after }, path: path,
                            problems: openingProblems)
    }

    /// Moves the full file aside and starts a new one; the oldest beyond `keep` files is dropped.
    private func rotate() -> JournalWriteError? {
        let rotated = Self.rotatedPaths(path, keep: keep)
        if let oldest = rotated.last { unlink(oldest) }
        for index in stride(from: rotated.count - 1, to: 0, by: -1) {
            rename(rotated[index - 1], rotated[index])
        }
        if let first = rotated.first {
            rename(path, first)
        } else {
            unlink(path)
        }
        let fresh = Self.openForAppend(path)
        guard fresh >= 0 else {
            return JournalWriteError("\(path) cannot be created after rotation (\(String(cString: strerror(errno))))")
        }
        close(descriptor)
        descriptor = fresh
        size = 0
        return nil
    }

    /// Non-blocking, and not through a symbolic link: a FIFO put in the journal's place cannot hold
    /// start-up in `open`, and a link cannot send the writes elsewhere.
    private static func openForAppend(_ path: String) -> Int32 {
        let flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW
        #if canImport(Glibc)
        return Glibc.open(path, flags, 0o600)
        #else
        return Darwin.open(path, flags, 0o600)
        #endif
    }
}
