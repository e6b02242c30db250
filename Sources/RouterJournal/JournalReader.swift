import Foundation
import RouterAPI

/// Reads journal files: every line that is an entry, and a `FILE:LINE: reason` for each that is not.
public enum JournalReader {
    public struct Contents: Sendable {
        public var entries: [JournalEntry] = []
        public var problems: [String] = []
    }

    /// The entries of `files`, read in the order given (oldest file first); missing files are skipped.
    public static func read(files: [String]) -> Contents {
        var contents = Contents()
        let decoder = JSONDecoder()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            var number = 0
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                number += 1
                guard !line.isEmpty else { continue }
                if let entry = try? decoder.decode(JournalEntry.self, from: Data(line)) {
                    contents.entries.append(entry)
                } else {
                    contents.problems.append("\(file):\(number): not a journal entry (a write cut short?); skipped")
                }
            }
        }
        return contents
    }

    /// Every file of the journal at `path`, oldest first.
    public static func read(journal path: String, keep: Int = JournalFile.defaultKeep) -> Contents {
        read(files: JournalFile.rotatedPaths(path, keep: keep).reversed() + [path])
    }
}
