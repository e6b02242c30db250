import Foundation
import RouterEngine

/// Writes decision traces to a file, one JSON object a line, with sorted keys so equal runs give
/// equal bytes.
final class TraceFileWriter {
    /// Why the trace file could not be written.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let path: String
    private let handle: FileHandle
    private let encoder = JSONEncoder()
    private var buffer = Data()
    private var failure: Failure?

    init(path: String) throws(Failure) {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw Failure(description: "--trace \(path): cannot create the file")
        }
        self.path = path
        self.handle = handle
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    func write(_ trace: RequestTrace) {
        guard failure == nil else { return }
        do {
            buffer.append(try encoder.encode(trace))
            buffer.append(0x0A)
            if buffer.count >= 1 << 16 { try flush() }
        } catch {
            failure = Failure(description: "--trace \(path): \(error)")
        }
    }

    /// Writes what is buffered and closes the file; throws the first error met.
    func close() throws(Failure) {
        if failure == nil {
            do { try flush() } catch { failure = Failure(description: "--trace \(path): \(error)") }
        }
        try? handle.close()
        if let failure { throw failure }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
