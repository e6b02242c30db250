import CNcursesw
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real standard error while it is captured, and the capture file; read by the fatal-signal
/// handler, so they are plain atomics rather than anything that allocates or locks.
private let savedStandardError = Atomic<Int32>(-1)
private let captureDescriptor = Atomic<Int32>(-1)

/// Sends standard error to a temporary file while the screen is up, and shows what was written once
/// the terminal is restored.
///
/// Anything that logs or reports an error while curses owns the terminal (a library, the runtime's
/// fatal-error message) would otherwise scribble over the dashboard and then vanish with it.
final class StderrCapture {
    private let saved: Int32
    private let capture: Int32
    private var stopped = false

    private init(saved: Int32, capture: Int32) {
        self.saved = saved
        self.capture = capture
    }

    /// Starts capturing; nil when no temporary file could be made (standard error is left alone).
    static func start(temporaryDirectory: String) -> StderrCapture? {
        var template = Array("\(temporaryDirectory)/routertop-stderr-XXXXXX".utf8CString)
        let capture = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard capture >= 0 else { return nil }
        // The file only needs its descriptor; unlinking now leaves nothing behind on any exit.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let saved = dup(STDERR_FILENO)
        guard saved >= 0, dup2(capture, STDERR_FILENO) >= 0 else {
            close(capture)
            if saved >= 0 { close(saved) }
            return nil
        }
        savedStandardError.store(saved, ordering: .sequentiallyConsistent)
        captureDescriptor.store(capture, ordering: .sequentiallyConsistent)
        return StderrCapture(saved: saved, capture: capture)
    }

    /// Puts standard error back and copies to it whatever was captured. Call after `endwin`.
    func stop() {
        guard !stopped else { return }
        stopped = true
        savedStandardError.store(-1, ordering: .sequentiallyConsistent)
        captureDescriptor.store(-1, ordering: .sequentiallyConsistent)
        StderrCapture.restore(saved: saved, capture: capture)
        close(saved)
        close(capture)
    }

    /// Async-signal-safe: only dup2, lseek, read and write.
    fileprivate static func restore(saved: Int32, capture: Int32) {
        _ = dup2(saved, STDERR_FILENO)
        _ = lseek(capture, 0, SEEK_SET)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer in
            while true {
                let count = read(capture, buffer.baseAddress, buffer.count)
                if count <= 0 { break }
                var offset = 0
                while offset < count {
                    let written = write(STDERR_FILENO, buffer.baseAddress! + offset, count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    /// Called from the fatal-signal handler: restore and replay, once. Async-signal-safe.
    static func restoreAfterFatalSignal() {
        let saved = savedStandardError.exchange(-1, ordering: .sequentiallyConsistent)
        let capture = captureDescriptor.exchange(-1, ordering: .sequentiallyConsistent)
        guard saved >= 0, capture >= 0 else { return }
        restore(saved: saved, capture: capture)
    }
}
