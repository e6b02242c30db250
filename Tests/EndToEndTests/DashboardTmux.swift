import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built `routertop` binary (`PackagePaths.routertop`), or a recorded failure.
enum DashboardBinary {
    /// The binary's path, or a recorded failure saying how to build it.
    static func require(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let path = PackagePaths.routertop
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("routertop is not built at \(path); run `swift build` first", sourceLocation: sourceLocation)
            return nil
        }
        return path
    }
}

/// Runs a program to completion and collects what it printed.
///
/// Spawned directly and reaped with `waitpid`: `tmux new-session` forks a server that inherits the
/// child's descriptors, so anything that waits for those to close (pipes, or Foundation's `Process`
/// exit detection) would wait as long as the server lives.
struct CommandRun {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// - Parameter standardInput: a file to read standard input from (default `/dev/null`).
    static func run(_ executable: String, _ arguments: [String], standardInput: String = "/dev/null") throws -> CommandRun {
        let folder = FileManager.default.temporaryDirectory
        let outputFile = folder.appendingPathComponent("routertop-e2e-\(UUID().uuidString).out")
        let errorFile = folder.appendingPathComponent("routertop-e2e-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: outputFile)
            try? FileManager.default.removeItem(at: errorFile)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        // Test threads block signals, and a spawned child inherits the mask: the tmux server would
        // then ignore the SIGTERM that kill-server sends it. Start every child with none blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signo in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signo) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw SpawnFailed(executable: executable, code: spawned) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS are macros; a signal death is reported as 128 + signal, like a shell.
        let exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return CommandRun(
            status: exitStatus,
            standardOutput: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        )
    }
}

struct SpawnFailed: Error, CustomStringConvertible {
    var executable: String
    var code: Int32
    var description: String { "could not start \(executable): error \(code)" }
}

/// A tmux server of its own running one command in a detached session.
///
/// Each test makes one and kills it at the end, so tests never share a server. The socket lives in
/// the session's own temporary folder (`-S`), so nothing is left behind once that is removed.
final class TmuxSession {
    static let executable: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isAvailable: Bool { executable != nil }

    let name: String
    let directory: URL
    private var killed = false

    /// Where the command's exit status is written when it ends.
    var statusFile: URL { directory.appendingPathComponent("status") }

    /// Starts `command` (a shell command line) in a `columns`×`rows` window with no status line;
    /// `terminal` is the TERM the command sees.
    init(columns: Int, rows: Int, command: String, terminal: String = "screen-256color") throws {
        name = "routertop-e2e-\(UUID().uuidString.prefix(12))"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = directory.appendingPathComponent("tmux.conf")
        // The pane stays open after the program ends (remain-on-exit), so its last screen and exit
        // status can still be read.
        try "set -g status off\nset -g remain-on-exit on\nset -g default-terminal \(terminal)\n"
            .write(to: configuration, atomically: true, encoding: .utf8)
        // The status is written to a file so a test can read it after the program ended.
        let wrapped = "\(command); echo $? > '\(statusFile.path)'"
        // State (the change journal) goes to the session's own folder, so no test sees another's changes.
        // Control sockets too, so a test never leaves one among the user's routers.
        let state = TmuxSession.quote(directory.appendingPathComponent("state").path)
        let runtimePath = directory.appendingPathComponent("run").path
        try FileManager.default.createDirectory(atPath: runtimePath, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let runtime = TmuxSession.quote(runtimePath)
        try tmux(["-f", configuration.path, "new-session", "-d", "-s", "main", "-x", "\(columns)", "-y", "\(rows)",
                  "env LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME=\(state) XDG_RUNTIME_DIR=\(runtime) "
                  + "sh -c \(TmuxSession.quote(wrapped))"])
    }

    deinit { kill() }

    /// What the pane shows now, one line per row.
    func capture() throws -> String {
        try tmux(["capture-pane", "-p", "-t", "main"])
    }

    /// A tmux format evaluated for the pane, such as `#{cursor_flag}` (1 while the cursor shows)
    /// or `#{alternate_on}` (1 while the alternate screen is in use).
    func paneFormat(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", "main", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sends tmux key names (`Enter`, `Escape`, `BSpace`, `Up`, `F10`, `q`).
    func press(_ keys: String...) throws {
        try tmux(["send-keys", "-t", "main"] + keys)
    }

    /// Types text literally.
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", "main", "-l", text])
    }

    func resize(columns: Int, rows: Int) throws {
        try tmux(["resize-window", "-t", "main", "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// Polls the pane until `condition` holds, and returns that screen; records an issue with the
    /// last screen when the deadline passes.
    @discardableResult
    func waitForScreen(
        _ what: String, timeout: Duration = .seconds(30),
        sourceLocation: SourceLocation = #_sourceLocation,
        until condition: (String) -> Bool
    ) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        var screen = ""
        while ContinuousClock.now < deadline {
            screen = try capture()
            if condition(screen) { return screen }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what); the screen was:\n\(screen)", sourceLocation: sourceLocation)
        return nil
    }

    /// Polls until the command has ended, and returns its exit status.
    func waitForExit(timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: statusFile, encoding: .utf8),
               let status = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return status
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the program did not exit within \(timeout); the screen was:\n\((try? capture()) ?? "")",
                     sourceLocation: sourceLocation)
        return nil
    }

    /// Stops the server and everything in it, and removes the session's files.
    func kill() {
        guard !killed else { return }
        killed = true
        _ = try? tmux(["kill-server"])
        stopRouters()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A router that proxy mode's dashboard started outlives its terminal by design: each one whose
    /// control socket is in this session's runtime folder is stopped (SIGTERM, a clean stop), so no
    /// test leaves a router running, whether it quit the dashboard or failed halfway.
    private func stopRouters() {
        let sockets = directory.appendingPathComponent("run").appendingPathComponent("routertop")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: sockets.path)) ?? []
        for name in names where name.hasSuffix(".sock") {
            let api = ControlAPI(socket: sockets.appendingPathComponent(name).path)
            guard let pid = api.snapshot()?.router.pid else { continue }
            Foundation.kill(pid, SIGTERM)
        }
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        guard let executable = TmuxSession.executable else { throw TmuxMissing() }
        let run = try CommandRun.run(executable, ["-S", directory.appendingPathComponent("socket").path] + arguments)
        guard run.status == 0 else {
            throw TmuxFailed(arguments: arguments, status: run.status, message: run.standardError)
        }
        return run.standardOutput
    }

    /// Quotes `text` for `sh`.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

struct TmuxMissing: Error, CustomStringConvertible {
    var description: String { "tmux is not installed" }
}

struct TmuxFailed: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var message: String
    var description: String { "tmux \(arguments.joined(separator: " ")) exited \(status): \(message)" }
}
