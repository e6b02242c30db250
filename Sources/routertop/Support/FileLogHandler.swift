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
        // Several routers may share one log file: each line names its router.
        let router = sink.routerName.map { " router=\(oneLine($0))" } ?? ""
        // Messages quote outside text (URLs, ids, a client's claimed address): escaped here, once for every line.
        sink.write("\(timestamp) \(event.level)\(router) \(label): \(oneLine("\(event.message)\(extra)"))\n")
    }
}

/// One open log file (or standard error), shared by every logger.
final class LogSink: Sendable {
    private let handle: NIOLockedValueBox<FileHandle>
    private let router = NIOLockedValueBox<String?>(nil)

    private init(handle: FileHandle) {
        self.handle = NIOLockedValueBox(handle)
    }

    /// The name of the router whose lines these are (its control socket's name), once known.
    var routerName: String? { router.withLockedValue { $0 } }

    /// Names the router in every line from now on: the name it was started with, then the control
    /// socket's name once that is bound (an implicit name may have moved aside to `NAME-2`).
    func nameRouter(_ name: String) {
        router.withLockedValue { $0 = name }
    }

    /// Names the router after its control socket `path` (`…/8000.sock` is router 8000).
    func nameRouter(socketPath path: String) {
        var name = (path as NSString).lastPathComponent
        if name.hasSuffix(".sock") { name.removeLast(".sock".count) }
        nameRouter(name)
    }

    /// Opens `path` for appending, creating it and its folder.
    ///
    /// Opened with `O_APPEND`: every router of the user logs to the same default file, and each
    /// line must land after the others' instead of over them.
    static func file(_ path: String) throws -> LogSink {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        return LogSink(handle: FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
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
