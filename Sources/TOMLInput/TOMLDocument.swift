import Foundation
import TOMLKit

/// The one way routertop reads a TOML file (scenario, theme or replica list): read with a size
/// limit, checked as UTF-8, guarded against what would crash the TOML library, then parsed.
/// Every refusal has a line (0 for the file as a whole) and a reason.
public enum TOMLDocument {
    /// The largest file read, in bytes. Configuration files are a few kilobytes; this also stops a
    /// path such as `/dev/zero` from being read for ever.
    public static let maxBytes = 1 << 20

    /// Why a file or text was refused, and on which 1-based line (0: the file as a whole).
    public struct Failure: Error, Equatable, Sendable {
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// The text of the file at `path`.
    public static func read(path: String) throws(Failure) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Failure(line: 0, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw Failure(line: 0, reason: "is a directory, not a TOML file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Failure(line: 0, reason: "the file cannot be read (check its permissions)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw Failure(line: 0, reason: "the file cannot be read (\(error.localizedDescription))")
        }
        guard data.count <= maxBytes else {
            throw Failure(line: 0, reason: "the file is larger than \(maxBytes / 1024) KiB, the limit for a TOML file")
        }
        return try text(of: data)
    }

    /// The bytes as UTF-8 text; refuses the first invalid byte with its line.
    public static func text(of data: Data) throws(Failure) -> String {
        if let text = String(validating: data, as: UTF8.self) { return text }
        var line = 1
        var iterator = data.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") { line += 1 }
                offset += encoded.count
            case .error:
                let byte = data[data.startIndex + offset]
                throw Failure(line: line, reason: "the file is not UTF-8 text (byte 0x\(String(byte, radix: 16, uppercase: true)))")
            case .emptyInput:
                // Unreachable: the data failed validation above, so a bad byte is met before the end.
                throw Failure(line: line, reason: "the file is not UTF-8 text")
            }
        }
    }

    /// Parses TOML text, after the checks that keep the TOML library from aborting the process.
    public static func parse(_ text: String) throws(Failure) -> TOMLTableValue {
        guard text.utf8.count <= maxBytes else {
            throw Failure(line: 0, reason: "the text is larger than \(maxBytes / 1024) KiB, the limit for a TOML file")
        }
        if let problem = TOMLInputCheck.problem(in: text) {
            throw Failure(line: problem.line, reason: problem.reason)
        }
        do {
            return TOMLTableValue(try TOMLTable(string: text))
        } catch let error as TOMLParseError {
            throw Failure(line: max(error.source.begin.line, 1), reason: error.description)
        } catch {
            throw Failure(line: 1, reason: "not a TOML document (\(error))")
        }
    }
}
