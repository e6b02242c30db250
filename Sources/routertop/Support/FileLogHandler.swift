import Foundation
import Logging
import NIOConcurrencyHelpers

/// A swift-log handler that appends lines to a file: the screen belongs to the dashboard.
struct FileLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    private let label: String
    private let sink: LogSink

    init(label: String, sink: LogSink) {
        self.label = label
        self.sink = sink
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let timestamp = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let extra = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        // Messages quote outside text (URLs, ids, a client's claimed address): escaped here, once for every line.
        sink.write("\(timestamp) \(event.level) \(label): \(oneLine("\(event.message)\(extra)"))\n")
    }
}

/// One open log file (or standard error), shared by every logger.
final class LogSink: Sendable {
    private let handle: NIOLockedValueBox<FileHandle>

    private init(handle: FileHandle) {
        self.handle = NIOLockedValueBox(handle)
    }

    /// Opens `path` for appending, creating it and its folder.
    static func file(_ path: String) throws -> LogSink {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        return LogSink(handle: handle)
    }

    static let standardError = LogSink(handle: .standardError)

    func write(_ line: String) {
        handle.withLockedValue { try? $0.write(contentsOf: Data(line.utf8)) }
    }
}

/// Where routertop logs unless told otherwise: a file in the user's state folder.
/// Where exports go: `$XDG_STATE_HOME/routertop` (or `~/.local/state/routertop`), created when missing;
/// the working directory when it cannot be made.
func defaultExportDirectory(environment: [String: String]) -> String {
    let directory = (defaultLogPath(environment: environment) as NSString).deletingLastPathComponent
    do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    } catch {
        return "."
    }
}

func defaultLogPath(environment: [String: String]) -> String {
    if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return "\(state)/routertop/routertop.log" }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return "\(home)/.local/state/routertop/routertop.log"
}

/// Sends every logger to `sink`. Called once, before anything logs.
func bootstrapLogging(to sink: LogSink, level: Logger.Level = .info) {
    LoggingSystem.bootstrap { label in
        var handler = FileLogHandler(label: label, sink: sink)
        handler.logLevel = level
        return handler
    }
}
