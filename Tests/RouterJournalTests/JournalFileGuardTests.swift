import Foundation
import RouterAPI
import TestSupport
import Testing
@testable import RouterJournal
#if canImport(Glibc)
import Glibc
#endif

/// What may not become a journal, each refused with one line and without blocking: a journal
/// another router writes (named by its pid), a FIFO, a directory, a symbolic link.
struct JournalFileGuardTests {
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-guard-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The result of an open made on another thread.
    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Result<JournalFile, JournalWriteError>?
        var value: Result<JournalFile, JournalWriteError>? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    /// Opens on its own thread, so a regression that blocks fails the test instead of hanging the run.
    static func openWithin(_ timeout: Duration, path: String) -> Result<JournalFile, JournalWriteError>? {
        let outcome = Outcome()
        Thread.detachNewThread { outcome.value = JournalFile.open(path: path) }
        return waitFor(timeout) { outcome.value }
    }

    static func refusal(_ result: Result<JournalFile, JournalWriteError>?) -> String? {
        guard case .failure(let error) = result else { return nil }
        return error.message
    }

    @Test func aSecondWriterIsRefusedNamingTheHoldersPid() throws {
        let path = try Self.directory() + "/shared.journal.jsonl"
        let first = try JournalFile.open(path: path).get()
        _ = try first.append(JournalFileTests.entry(0.01)).get()
        let second = Self.openWithin(.seconds(3), path: path)
        #expect(Self.refusal(second) == "--journal=\(path) is in use by another router (pid \(getpid())); "
            + "give each router its own --journal (or --name)")
        withExtendedLifetime(first) {}
    }

    @Test func theLockEndsWithItsWriter() throws {
        let path = try Self.directory() + "/passed.journal.jsonl"
        do {
            let first = try JournalFile.open(path: path).get()
            _ = try first.append(JournalFileTests.entry(0.01)).get()
        }
        let next = try JournalFile.open(path: path).get()
        #expect(try next.append(JournalFileTests.entry(0.02)).get().sequence == 2)
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let path = try Self.directory() + "/fifo.journal.jsonl"
        try #require(mkfifo(path, 0o600) == 0)
        let result = Self.openWithin(.seconds(3), path: path)
        #expect(Self.refusal(result) == "--journal=\(path) is a FIFO, not a regular file; it must be a regular file or not exist yet")
    }

    @Test func aDirectoryIsRefused() throws {
        let path = try Self.directory() + "/dir.journal.jsonl"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(Self.refusal(Self.openWithin(.seconds(3), path: path))
            == "--journal=\(path) is a directory, not a regular file; it must be a regular file or not exist yet")
    }

    @Test func aSymbolicLinkIsRefusedNotFollowed() throws {
        let directory = try Self.directory()
        let target = directory + "/elsewhere.jsonl"
        let path = directory + "/linked.journal.jsonl"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        #expect(Self.refusal(Self.openWithin(.seconds(3), path: path))
            == "--journal=\(path) is a symbolic link; name the file itself (a link is not followed)")
        #expect(!FileManager.default.fileExists(atPath: target), "nothing was written where the link points")
    }
}
